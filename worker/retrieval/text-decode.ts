import { AppError } from "../../contract/errors";

/**
 * Bytes that claim to be text, as text, or a clear refusal. Names and declared types are whatever a
 * client says: an image or an executable renamed `.txt` fails here, on its contents.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  // NUL never appears in text files; it is in nearly every binary format within the first bytes.
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) throw notText(name);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Not UTF-8. Latin-1 text is still text, but only if it is not full of control characters.
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  if (controlShare(text.slice(0, 65_536)) > 0.02) throw notText(name);
  return text;
}

function notText(name: string): AppError {
  return new AppError(
    "unsupported_document",
    `${name} is not a text file: its contents are binary. Attach text, Markdown, PDF, HTML, CSV, .docx or source files.`,
  );
}

/** The share of characters that are control codes other than tab, line feed, carriage return and form feed. */
function controlShare(text: string): number {
  if (!text.length) return 0;
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f || c === 0xfffd) control++;
  }
  return control / text.length;
}
