import { AppError } from "../../contract/errors";
import { DOCUMENT_LIMITS, type DocumentKind } from "../../contract/documents";
import { markdownBlocks, paragraphBlocks, type Block } from "./blocks";
import { csvBlocks } from "./csv";
import { docxBlocks } from "./docx";
import { htmlToText } from "./html";
import { pdfBlocks } from "./pdf";
import { decodeText } from "./text-decode";

export interface Extracted {
  kind: DocumentKind;
  blocks: Block[];
  pages: number | null;
}

const SOURCE =
  /\.(json|ya?ml|toml|xml|tsx?|jsx?|mjs|cjs|py|rb|go|rs|java|kt|c|h|cc|cpp|hpp|cs|php|swift|sh|bash|sql|css|scss|lua|r|ini|cfg|conf|log|env|gradle|vue|svelte)$/i;

/**
 * What kind of document a file is, from its bytes first and its name second: a PDF or a zip is
 * recognised whatever it is called, and text formats are told apart by extension once the bytes
 * are known to be text. Refuses anything else before any work is done.
 */
export function detectKind(bytes: Uint8Array, name: string): DocumentKind {
  const lower = name.toLowerCase();
  if (startsWith(bytes, "%PDF-")) return "pdf";
  if (startsWith(bytes, "PK\x03\x04") || startsWith(bytes, "PK\x05\x06")) {
    if (lower.endsWith(".docx")) return "docx";
    throw new AppError(
      "unsupported_document",
      `${name} is a zip archive. Attach the documents inside it one by one (.docx is read; other Office formats are not).`,
    );
  }
  if (lower.endsWith(".pdf"))
    throw new AppError("unreadable_document", `${name} is not a PDF: it does not start like one. The file is damaged or misnamed.`);
  if (lower.endsWith(".docx"))
    throw new AppError("unreadable_document", `${name} is not a Word document: it is not a zip archive. The file is damaged or misnamed.`);
  if (/\.(doc|xls|xlsx|ppt|pptx|odt|rtf|epub|pages|key|numbers)$/.test(lower)) {
    throw new AppError("unsupported_document", `${name}: this format cannot be read. Save it as PDF, .docx or text and attach that.`);
  }
  if (/\.(md|markdown|mdx)$/.test(lower)) return "markdown";
  if (/\.(html?|xhtml)$/.test(lower)) return "html";
  if (/\.(csv|tsv)$/.test(lower)) return "csv";
  if (SOURCE.test(lower)) return "source";
  return "text";
}

/** The document as structured blocks, every limit enforced while reading. */
export async function extractDocument(bytes: Uint8Array, name: string): Promise<Extracted> {
  if (bytes.byteLength === 0) throw new AppError("bad_request", `${name} is empty.`);
  if (bytes.byteLength > DOCUMENT_LIMITS.maxBytes)
    throw new AppError("too_large", `${name} is larger than ${DOCUMENT_LIMITS.maxBytes / 1024 / 1024} MB.`);
  const kind = detectKind(bytes, name);
  if (kind === "pdf") {
    const { blocks, pages } = await pdfBlocks(bytes, name);
    return { kind, blocks, pages };
  }
  const blocks = kind === "docx" ? await docxBlocks(bytes, name) : await textBlocks(kind, decodeText(bytes, name));
  const chars = blocks.reduce((n, b) => n + b.text.length, 0);
  if (chars > DOCUMENT_LIMITS.maxChars)
    throw new AppError(
      "too_large",
      `${name} has more text than this app reads from one document (${DOCUMENT_LIMITS.maxChars.toLocaleString("en-US")} characters).`,
    );
  return { kind, blocks, pages: null };
}

async function textBlocks(kind: DocumentKind, text: string): Promise<Block[]> {
  switch (kind) {
    case "markdown":
      return markdownBlocks(text);
    case "html":
      return markdownBlocks(await htmlToText(text));
    case "csv":
      return csvBlocks(text);
    default:
      return paragraphBlocks(text);
  }
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  if (bytes.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}
