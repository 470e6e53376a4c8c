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

/**
 * `<w:p>` paragraphs; `Heading1`…`Heading6` and `Title` styles become headings. One pass over the
 * tags with indexOf, never a regex spanning tags: a lazy `<w:p>…</w:p>` pattern rescans to the end
 * of the file from every unclosed `<w:p>`, so a few MB of them took minutes. A paragraph nested in
 * another (a text box) splits its parent where it starts and ends, keeping document order; an
 * unclosed one ends where the next starts.
 */
function paragraphs(xml: string): Block[] {
  const blocks: Block[] = [];
  const styles: string[] = []; // one per open paragraph, innermost last
  let text = "";
  let inText = false; // inside <w:t>
  let inTabStops = false; // inside <w:tabs>, whose <w:tab> elements are tab stops, not tabs
  const flush = () => {
    const body = decodeXml(text).trim();
    text = "";
    if (!body || styles.length === 0) return;
    const style = styles[styles.length - 1];
    const level = /^Heading([1-6])$/i.exec(style)?.[1] ?? (style === "Title" ? "1" : undefined);
    blocks.push(level ? { text: body, heading: Number(level) } : { text: body });
  };
  let at = 0;
  while (at < xml.length) {
    const open = xml.indexOf("<", at);
    if (open < 0) break;
    if (inText && open > at) text += xml.slice(at, open);
    if (xml.startsWith("<!--", open)) {
      const end = xml.indexOf("-->", open + 4);
      if (end < 0) break;
      at = end + 3;
      continue;
    }
    const close = xml.indexOf(">", open + 1);
    if (close < 0) break; // no tag can follow: nothing is rescanned
    at = close + 1;
    const tag = xml.slice(open + 1, close);
    const selfClosing = tag.endsWith("/");
    const ending = tag.startsWith("/");
    const name = tagName(tag, ending ? 1 : 0);
    if (name === "w:p") {
      if (selfClosing) continue;
      flush();
      if (ending) styles.pop();
      else styles.push("");
      inText = false;
    } else if (name === "w:t") {
      inText = !ending && !selfClosing;
    } else if (name === "w:pStyle" && styles.length > 0) {
      styles[styles.length - 1] = attribute(tag, "w:val");
    } else if (name === "w:tabs") {
      inTabStops = !ending && !selfClosing;
    } else if (name === "w:tab" && !inTabStops && !ending && styles.length > 0) {
      text += "\t";
    } else if (name === "w:br" && !ending && styles.length > 0) {
      text += "\n";
    }
  }
  flush();
  return blocks;
}

function tagName(tag: string, from: number): string {
  let end = from;
  while (end < tag.length && !" \t\r\n/".includes(tag[end])) end++;
  return tag.slice(from, end);
}

/** The first `name="value"` in a tag, found with indexOf so a tag full of open quotes stays linear. */
function attribute(tag: string, name: string): string {
  const start = tag.indexOf(`${name}="`);
  if (start < 0) return "";
  const end = tag.indexOf('"', start + name.length + 2);
  return end < 0 ? "" : tag.slice(start + name.length + 2, end);
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
