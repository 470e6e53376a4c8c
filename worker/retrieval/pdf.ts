import { AppError } from "../../contract/errors";
import { DOCUMENT_LIMITS } from "../../contract/documents";
import { paragraphBlocks, type Block } from "./blocks";
import { decodedStreamBytes } from "./pdf-stream-sizes";

export interface PdfLimits {
  maxPages: number;
  maxChars: number;
  /** What all the file's streams may unpack to together (text, fonts, images). */
  maxDecodedBytes?: number;
}

/**
 * pdf.js holds a stream whole while it reads it, in a buffer that doubles as it grows, and a Worker
 * has 128 MB: 64 MB for everything the file unpacks to keeps one document well inside that.
 */
export const PDF_MAX_DECODED_BYTES = 64 * 1024 * 1024;

/**
 * PDF text with unpdf (Mozilla's pdf.js, built for serverless runtimes), page by page. The page
 * count comes from the document's page tree before any page is read, so a file claiming 100,000
 * pages is refused at once; text is counted as each page is read.
 */
export async function pdfBlocks(
  bytes: Uint8Array,
  name: string,
  limits: PdfLimits = DOCUMENT_LIMITS,
): Promise<{ blocks: Block[]; pages: number }> {
  const claimed = claimedPages(bytes);
  if (claimed > limits.maxPages) throw tooManyPages(name, claimed, limits.maxPages);
  const maxDecoded = limits.maxDecodedBytes ?? PDF_MAX_DECODED_BYTES;
  if (decodedStreamBytes(bytes, maxDecoded).overBudget)
    throw new AppError(
      "too_large",
      `${name} unpacks to more than ${Math.round(maxDecoded / 1024 / 1024)} MB of text, fonts and images, more than this app reads from one document.`,
    );
  const { getDocumentProxy } = await import("unpdf");
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(bytes.slice(), { useSystemFonts: false, disableFontFace: true, stopAtErrors: true });
  } catch (error) {
    throw pdfError(error, name);
  }
  try {
    if (pdf.numPages > limits.maxPages) throw tooManyPages(name, pdf.numPages, limits.maxPages);
    const blocks: Block[] = [];
    let chars = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      page.cleanup();
      chars += text.length;
      if (chars > limits.maxChars)
        throw new AppError(
          "too_large",
          `${name} has more text than this app reads from one document (${limits.maxChars.toLocaleString("en-US")} characters).`,
        );
      blocks.push(...paragraphBlocks(text, n));
    }
    return { blocks, pages: pdf.numPages };
  } catch (error) {
    throw pdfError(error, name);
  } finally {
    // Frees pdf.js's worker-side state for this document.
    await pdf.loadingTask?.destroy().catch(() => {});
  }
}

function tooManyPages(name: string, pages: number, max: number): AppError {
  return new AppError(
    "too_large",
    `${name} has ${pages.toLocaleString("en-US")} pages; the limit is ${max.toLocaleString("en-US")} pages per document.`,
  );
}

/**
 * The largest page count the file's uncompressed page tree states. pdf.js checks /Count against the
 * pages that exist and quietly reads the real ones, but a file that states more pages than the
 * limit is refused outright: it is either too long or lying. (A page tree inside a compressed object
 * stream is invisible here; pdf.js's own count, checked next, covers it.)
 */
function claimedPages(bytes: Uint8Array): number {
  const text = new TextDecoder("latin1").decode(bytes);
  let max = 0;
  for (const match of text.matchAll(/\/Count\s+(\d{1,12})/g)) max = Math.max(max, Number(match[1]));
  return max;
}

function pdfError(error: unknown, name: string): AppError {
  if (error instanceof AppError) return error;
  const kind = (error as { name?: string })?.name;
  if (kind === "PasswordException")
    return new AppError("unreadable_document", `${name} is password-protected. Remove the password and attach it again.`);
  return new AppError("unreadable_document", `${name} could not be read as a PDF: the file is damaged or not a PDF.`);
}
