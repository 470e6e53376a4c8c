import { AppError } from "../../contract/errors";
import { readLimited } from "../http/read-limited";
import { DOCUMENT_LIMITS } from "../../contract/documents";
import type { Block } from "./blocks";

/**
 * .docx text without a library: a .docx is a zip whose `word/document.xml` holds the paragraphs.
 * The well-kept converters (mammoth, docx4js) inflate with JSZip, which inflates an entry whole
 * before anyone can count it, so a zip bomb would exhaust the Worker's memory first. Here the one
 * entry needed is inflated with workerd's own DecompressionStream and refused the moment it
 * passes `maxInflatedBytes`; nothing else in the archive is ever inflated.
 */
export async function docxBlocks(bytes: Uint8Array, name: string, maxInflated = DOCUMENT_LIMITS.maxInflatedBytes): Promise<Block[]> {
  const entry = findEntry(bytes, "word/document.xml", name);
  const xml = new TextDecoder().decode(await inflateLimited(entry, maxInflated, name));
  return paragraphs(xml);
}

interface ZipEntry {
  method: number;
  data: Uint8Array;
}

function damaged(name: string, why: string): AppError {
  return new AppError("unreadable_document", `${name} could not be read as a Word document: ${why}.`);
}

/** Reads the zip's central directory (at its end) to the entry, then the entry's local header. */
function findEntry(b: Uint8Array, wanted: string, name: string): ZipEntry {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw damaged(name, "it is not a complete zip archive");
  const entries = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  for (let n = 0; n < entries; n++) {
    if (at + 46 > b.length || view.getUint32(at, true) !== 0x02014b50) throw damaged(name, "its file table is broken");
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const skip = nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const entryName = new TextDecoder().decode(b.subarray(at + 46, at + 46 + nameLength));
    if (entryName === wanted) {
      if (flags & 1) throw new AppError("unreadable_document", `${name} is password-protected. Remove the password and attach it again.`);
      if (compressed === 0xffffffff || local + 30 > b.length) throw damaged(name, "its layout is not supported");
      if (view.getUint32(local, true) !== 0x04034b50) throw damaged(name, "its file table is broken");
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + compressed > b.length) throw damaged(name, "it is cut short");
      return { method, data: b.subarray(start, start + compressed) };
    }
    at += 46 + skip;
  }
  throw damaged(name, "it has no document body (is it really a .docx?)");
}

async function inflateLimited(entry: ZipEntry, max: number, name: string): Promise<Uint8Array> {
  if (entry.method === 0) {
    if (entry.data.byteLength > max) throw tooBig(name, max);
    return entry.data;
  }
  if (entry.method !== 8) throw damaged(name, "it uses an unsupported compression");
  const stream = new Blob([entry.data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  try {
    // Counted as it inflates: a zip bomb is refused at `max`, not after it has filled memory.
    return await readLimited(stream, undefined, max, tooBig(name, max).message);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw damaged(name, "its contents are corrupt");
  }
}

function tooBig(name: string, max: number): AppError {
  return new AppError(
    "too_large",
    `${name} unpacks to more than ${Math.round(max / 1024 / 1024)} MB of text, more than this app reads from one document.`,
  );
}

/** `<w:p>` paragraphs; `Heading1`…`Heading6` and `Title` styles become headings. */
function paragraphs(xml: string): Block[] {
  const blocks: Block[] = [];
  for (const p of xml.matchAll(/<w:p[\s>][\s\S]*?<\/w:p>/g)) {
    const body = p[0];
    const text = decodeXml(
      body
        .replace(/<w:tab\/>/g, "\t")
        .replace(/<w:br[^>]*\/>/g, "\n")
        .match(/<w:t(?:\s[^>]*)?>[^<]*<\/w:t>|\t|\n/g)
        ?.map((t) => (t.startsWith("<") ? t.replace(/<[^>]+>/g, "") : t))
        .join("") ?? "",
    ).trim();
    if (!text) continue;
    const style = /<w:pStyle w:val="([^"]+)"/.exec(body)?.[1] ?? "";
    const level = /^Heading([1-6])$/i.exec(style)?.[1] ?? (style === "Title" ? "1" : undefined);
    blocks.push(level ? { text, heading: Number(level) } : { text });
  }
  return blocks;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
    }
    return ({ lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" } as Record<string, string>)[ref];
  });
}
