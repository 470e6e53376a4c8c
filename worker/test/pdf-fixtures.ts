import { zlibSync } from "fflate";

/**
 * Writes small, valid PDF files for tests and benchmarks (Worker and Node alike): pages of
 * Helvetica text with a correct cross-reference table, and the hostile variants the upload must
 * refuse. Not a test double: the bytes are real PDFs that pdf.js parses like any other.
 */
export interface PdfOptions {
  /** What /Count claims; defaults to the real number of pages. */
  claimedPages?: number;
  /** Adds a Standard security handler whose user password is not empty: readers must ask for it. */
  encrypted?: boolean;
  /** Compresses each page's content with FlateDecode, as most real PDFs do. */
  deflate?: boolean;
}

export function makePdf(pages: string[][], options: PdfOptions = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  const fontId = 3;
  const firstPageId = 4;
  const kids = pages.map((_, i) => `${firstPageId + i * 2} 0 R`).join(" ");
  add(`<< /Type /Catalog /Pages 2 0 R >>`);
  add(`<< /Type /Pages /Kids [${kids}] /Count ${options.claimedPages ?? pages.length} >>`);
  add(`<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>`);
  pages.forEach((lines, i) => {
    const contentId = firstPageId + i * 2 + 1;
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`,
    );
    const ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td", ...lines.map((line) => `(${escape(line)}) Tj T*`), "ET"].join("\n");
    const data = options.deflate ? latin1(zlibSync(new TextEncoder().encode(ops))) : ops;
    add(`<< /Length ${data.length}${options.deflate ? " /Filter /FlateDecode" : ""} >>\nstream\n${data}\nendstream`);
  });
  let encryptRef = "";
  if (options.encrypted) {
    const filler = "A".repeat(32);
    add(`<< /Filter /Standard /V 1 /R 2 /O (${filler}) /U (${filler}) /P -4 >>`);
    encryptRef = ` /Encrypt ${objects.length} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]`;
  }

  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encryptRef} >>\nstartxref\n${xref}\n%%EOF\n`;
  return bytesOf(out);
}

/**
 * One page whose content stream inflates to `inflated` spaces (gigabytes, if asked) from a few MB: one
 * fixed-Huffman deflate block of a space and then copies of 258 bytes at distance 1, 13 bits each.
 */
export function makeFlateBombPdf(inflated: number, options: { hiddenBehind?: string } = {}): Uint8Array {
  const hidden = new TextEncoder().encode(options.hiddenBehind ?? "");
  const bits = new BitWriter(Math.ceil((18 + 13 * Math.ceil(inflated / 258)) / 8) + hidden.length + 5);
  if (hidden.length > 0) {
    // A stored (uncompressed) block first, so these bytes appear as they are inside the stream's data.
    bits.write(0, 3);
    bits.align();
    bits.write(hidden.length, 16);
    bits.write(~hidden.length & 0xffff, 16);
    for (const byte of hidden) bits.write(byte, 8);
  }
  bits.write(1, 1); // final block
  bits.write(1, 2); // fixed Huffman codes
  bits.code(0x30 + 0x20, 8); // literal " "
  for (let left = inflated - 1; left > 0; left -= 258) {
    bits.code(0xc5, 8); // length 258 (symbol 285)
    bits.code(0, 5); // distance 1
  }
  bits.code(0, 7); // end of block
  // A /Length by reference when bytes are hidden, as the check cannot then just trust the next `endstream`.
  return makeOnePagePdf(new Uint8Array([0x78, 0x01, ...bits.bytes()]), "FlateDecode", hidden.length > 0);
}

/** One page whose content stream is `data` under `filter` (a name, or an array of names as PDF writes it), e.g. a run-length bomb. */
export function makeOnePagePdf(data: Uint8Array, filter: string, lengthByReference = false): Uint8Array {
  const stream = latin1(data);
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
    `<< /Length ${lengthByReference ? "5 0 R" : stream.length} /Filter ${filter.startsWith("[") ? filter : `/${filter}`} >>\nstream\n${stream}\nendstream`,
    `${stream.length}`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return bytesOf(out);
}

/** Deflate's bit order: values least significant bit first, Huffman codes most significant bit first. */
class BitWriter {
  private readonly out: Uint8Array;
  private at = 0;
  private buffer = 0;
  private count = 0;
  constructor(capacity: number) {
    this.out = new Uint8Array(capacity + 1);
  }
  write(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.bit((value >>> i) & 1);
  }
  code(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }
  align(): void {
    while (this.count !== 0) this.bit(0);
  }
  bytes(): Uint8Array {
    if (this.count > 0) this.out[this.at] = this.buffer;
    return this.out.subarray(0, this.at + (this.count > 0 ? 1 : 0));
  }
  private bit(b: number): void {
    this.buffer |= b << this.count;
    if (++this.count === 8) {
      this.out[this.at++] = this.buffer;
      this.buffer = 0;
      this.count = 0;
    }
  }
}

/** Bytes as a string of the same length (PDF syntax is bytes; stream data may be binary). */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function bytesOf(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** PDF strings: only ASCII here, with the three characters PDF syntax reserves escaped. */
function escape(line: string): string {
  return line.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);
}

/**
 * LZW as PDF writes it (EarlyChange 1): a clear code, 9- to 12-bit codes most significant bit first,
 * no new codes once the table is full (so a long run of one byte becomes a run of its longest code).
 */
export function lzwEncode(input: Uint8Array): Uint8Array {
  const out = new LzwWriter();
  const table = new Map<number, number>(); // prefix code * 256 + byte → code
  let current = -1;
  for (const byte of input) {
    if (current < 0) {
      current = byte;
      continue;
    }
    const known = table.get(current * 256 + byte);
    if (known !== undefined) {
      current = known;
      continue;
    }
    const added = out.code(current);
    if (added !== undefined) table.set(current * 256 + byte, added);
    current = byte;
  }
  if (current >= 0) out.code(current);
  return out.end();
}

/**
 * What lzwEncode makes of a run of at least `length` copies of `byte`, without the run: the byte,
 * then codes 258, 259, … (each one byte longer than the last), then the longest code (3,839 bytes) again and again.
 */
export function lzwRun(byte: number, length: number): Uint8Array {
  const out = new LzwWriter();
  let code = byte;
  let size = 1;
  for (let left = length; left > 0; ) {
    const added = out.code(code);
    left -= size;
    if (added !== undefined) {
      code = added;
      size++;
    }
  }
  return out.end();
}

class LzwWriter {
  private readonly out: number[] = [];
  private buffer = 0;
  private bits = 0;
  private width = 9;
  private next = 258;
  constructor() {
    this.write(256);
  }
  /** Writes a code and, while the table has room, adds the next one; returns the code added. */
  code(code: number): number | undefined {
    this.write(code);
    if (this.next >= 4096) return undefined;
    const added = this.next++;
    if (this.next >= 1 << this.width && this.width < 12) this.width++;
    return added;
  }
  end(): Uint8Array {
    this.write(257);
    if (this.bits > 0) this.out.push((this.buffer << (8 - this.bits)) & 0xff);
    return new Uint8Array(this.out);
  }
  private write(code: number): void {
    this.buffer = (this.buffer << this.width) | code;
    this.bits += this.width;
    while (this.bits >= 8) {
      this.out.push((this.buffer >>> (this.bits - 8)) & 0xff);
      this.bits -= 8;
    }
    this.buffer &= (1 << this.bits) - 1;
  }
}
