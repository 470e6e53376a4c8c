import { Inflate } from "fflate";

/**
 * How many bytes a PDF's streams unpack to, measured before pdf.js sees the file. pdf.js inflates a
 * stream whole into one growing buffer with no limit, so a few MB of FlateDecode that inflate to
 * gigabytes would exhaust the Worker's memory inside it. Here each stream is inflated a KB at a time
 * and only counted (a filter chain keeps the intermediate bytes, never more than the budget); the
 * count stops at the budget.
 *
 * Every stream counts, images too: pdf.js does not decode images to read text, but a stream's own
 * dictionary cannot be trusted to say how the file uses it (a page's content can call itself an image).
 * Not measured: filters given by reference (a stream that starts like zlib data is measured as Flate
 * anyway), data past an `endstream` inside a stream whose /Length is given by reference, and
 * encrypted files, whose stream bytes are ciphertext until pdf.js decrypts them.
 */
export function decodedStreamBytes(bytes: Uint8Array, budget: number): { total: number; overBudget: boolean } {
  const text = new TextDecoder("latin1").decode(bytes);
  let total = 0;
  let at = 0;
  let floor = 0; // where the previous stream's data ended: nothing before it is searched again
  let integers: Map<string, number> | undefined; // "N G" → the integer object N G holds, for /Length N G R
  const lengths = (ref: string) => (integers ??= integerObjects(text)).get(ref);
  while (total <= budget) {
    const keyword = text.indexOf("stream", at);
    if (keyword < 0) break;
    at = keyword + 6;
    if (text.startsWith("end", keyword - 3)) continue;
    let start = at;
    if (text[start] === "\r") start++;
    if (text[start] === "\n") start++;
    if (start === at) continue; // "stream" must end its line to start stream data
    const dict = dictionaryBefore(text, keyword, floor);
    if (dict === null) continue;
    const end = dataEnd(text, dict, start, lengths);
    const data = bytes.subarray(start, end < 0 ? bytes.length : end);
    at = end < 0 ? bytes.length : end + 9;
    floor = at;
    total += decodedSize(data, filtersOf(dict, data), budget - total);
  }
  return { total, overBudget: total > budget };
}

/**
 * Where pdf.js ends the data: at /Length (given or by reference) when `endstream` follows it there,
 * else at the next `endstream`. Not just the next `endstream`: the data can hold those bytes itself,
 * and a bomb after them would go unmeasured.
 */
function dataEnd(text: string, dict: string, start: number, lengths: (ref: string) => number | undefined): number {
  const length = /^\/Length\s+(\d{1,10})(?:\s+(\d{1,5})\s+R)?/.exec(dict.slice(Math.max(0, dict.lastIndexOf("/Length"))));
  const value = length?.[2] === undefined ? Number(length?.[1] ?? Number.NaN) : lengths(`${length[1]} ${length[2]}`);
  if (value !== undefined && Number.isSafeInteger(value)) {
    const end = start + value;
    if (/^\s*endstream/.test(text.slice(end, end + 64))) return end;
  }
  return text.indexOf("endstream", start);
}

/** Every `N G obj <integer> endobj` in the file, in one pass (a /Length in a compressed object stream is not found). */
function integerObjects(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (let at = text.indexOf("obj"); at >= 0; at = text.indexOf("obj", at + 3)) {
    const value = /^\s*(\d{1,10})\s*endobj/.exec(text.slice(at + 3, at + 40));
    if (!value) continue;
    const id = /(\d{1,10})\s+(\d{1,5})\s+$/.exec(text.slice(Math.max(0, at - 24), at));
    if (id) found.set(`${id[1]} ${id[2]}`, Number(value[1]));
  }
  return found;
}

/**
 * The `<< … >>` ending right before `stream`, from its `obj`; looked for only after the previous
 * stream's data and in the 64 KB before, so each byte of the file is looked at a bounded number of times.
 */
function dictionaryBefore(text: string, keyword: number, floor: number): string | null {
  let end = keyword;
  while (end > floor && /\s/.test(text[end - 1])) end--;
  if (end - 2 < floor || !text.startsWith(">>", end - 2)) return null;
  const before = text.slice(Math.max(floor, end - 65_536), end);
  return before.slice(Math.max(0, before.lastIndexOf("obj")));
}

type Filter = "flate" | "lzw" | "runlength" | "hex" | "a85" | "other";

const FILTERS: Record<string, Filter> = {
  FlateDecode: "flate",
  Fl: "flate",
  LZWDecode: "lzw",
  LZW: "lzw",
  RunLengthDecode: "runlength",
  RL: "runlength",
  ASCIIHexDecode: "hex",
  AHx: "hex",
  ASCII85Decode: "a85",
  A85: "a85",
};

function filtersOf(dict: string, data: Uint8Array): Filter[] {
  const at = dict.lastIndexOf("/Filter");
  const value = at < 0 ? "" : dict.slice(at + 7).trimStart();
  let names: string[] = [];
  if (value.startsWith("/")) names = [/^\/([A-Za-z0-9]+)/.exec(value)?.[1] ?? ""];
  else if (value.startsWith("[")) {
    const close = value.indexOf("]");
    names = (value.slice(1, close < 0 ? undefined : close).match(/\/[A-Za-z0-9]+/g) ?? []).map((n) => n.slice(1));
  } else if (at >= 0 && looksLikeZlib(data)) return ["flate"]; // given by reference: measured if it is zlib data
  return names.map((n) => FILTERS[n] ?? "other");
}

function looksLikeZlib(data: Uint8Array): boolean {
  return data.length > 2 && (data[0] & 0x0f) === 8 && ((data[0] << 8) | data[1]) % 31 === 0;
}

/** The bytes the chain produces, at most `room + 1`: past that the count stops. */
function decodedSize(data: Uint8Array, filters: Filter[], room: number): number {
  // Images' own codecs (DCT, JPX, JBIG2, CCITT) and crypt filters end what is measured: pdf.js does
  // not decode images to read text, and what came before them is counted.
  const other = filters.indexOf("other");
  const chain = other < 0 ? filters : filters.slice(0, other);
  let current = data;
  for (let i = 0; i < chain.length; i++) {
    const last = i === chain.length - 1;
    const filter = chain[i];
    if (filter === "hex" || filter === "a85") {
      // These shrink the data, except ASCII85's "z" (4 bytes): its size is known before anything is kept.
      const size = filter === "a85" ? ascii85Size(current) : current.length / 2;
      if (size > room) return size;
      current = filter === "hex" ? fromHex(current) : fromAscii85(current);
      continue;
    }
    const out: Uint8Array[] | null = last ? null : [];
    const size =
      filter === "flate" ? inflate(current, room, out) : filter === "lzw" ? lzw(current, room, out) : runLength(current, room, out);
    if (last || size > room) return size;
    current = join(out ?? [], size);
  }
  return chain.length > 0 ? current.length : 0;
}

/**
 * fflate's streaming inflater, fed 1 KB at a time so no step yields more than about 1 MB, and never
 * told the input is final, so a cut-off stream yields what it holds instead of an error. Not workerd's
 * DecompressionStream: it refuses a stream with bytes after its end (pdf.js reads it) and then yields
 * nothing, so a bomb with one stray byte would measure as empty.
 */
function inflate(data: Uint8Array, room: number, out: Uint8Array[] | null): number {
  // pdf.js skips the 2-byte zlib header and ignores the checksum; so does this.
  if (!looksLikeZlib(data)) return 0;
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.byteLength;
    if (size <= room) out?.push(chunk);
  });
  try {
    for (let at = 2; at < data.length && size <= room; at += 1024) inflater.push(data.subarray(at, at + 1024));
  } catch {
    // Damaged: pdf.js stops there too (bytes after the end are ignored by both, not an error).
  }
  return size;
}

/** LZW as pdf.js decodes it (EarlyChange 1), keeping each code's length rather than its bytes unless asked. */
function lzw(data: Uint8Array, room: number, out: Uint8Array[] | null): number {
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Int32Array(4096);
  const head = new Uint8Array(4096); // each code's first byte, so a code costs O(1) when only counted
  for (let i = 0; i < 256; i++) {
    length[i] = 1;
    suffix[i] = i;
    head[i] = i;
  }
  let next = 258;
  let width = 9;
  let previous = -1;
  let size = 0;
  let buffer = 0;
  let bits = 0;
  const emit = (code: number) => {
    const n = length[code];
    size += n;
    if (!out || size > room) return;
    const bytes = new Uint8Array(n);
    for (let c = code, k = n - 1; k >= 0; k--, c = prefix[c]) bytes[k] = suffix[c];
    out.push(bytes);
  };
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= width) {
      const code = (buffer >>> (bits - width)) & ((1 << width) - 1);
      bits -= width;
      if (code === 256) {
        next = 258;
        width = 9;
        previous = -1;
        continue;
      }
      if (code === 257) return size;
      if (previous >= 0 && next < 4096 && code <= next) {
        prefix[next] = previous;
        suffix[next] = head[code === next ? previous : code];
        head[next] = head[previous];
        length[next] = length[previous] + 1;
        next++;
      } else if (previous >= 0 && code > next) return size; // damaged: pdf.js stops here too
      if (code >= next && previous < 0) return size;
      emit(code);
      if (size > room) return size;
      previous = code;
      if (next + 1 >= 1 << width && width < 12) width++;
    }
  }
  return size;
}

function runLength(data: Uint8Array, room: number, out: Uint8Array[] | null): number {
  let size = 0;
  for (let i = 0; i < data.length && size <= room; ) {
    const n = data[i];
    if (n === 128) break;
    if (n < 128) {
      out?.push(data.subarray(i + 1, i + 2 + n));
      size += n + 1;
      i += n + 2;
    } else {
      out?.push(new Uint8Array(257 - n).fill(data[i + 1] ?? 0));
      size += 257 - n;
      i += 2;
    }
  }
  return size;
}

function fromHex(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 2));
  let n = 0;
  let high = -1;
  for (const byte of data) {
    if (byte === 0x3e) break; // ">" ends the data
    const digit = byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66 ? (byte | 0x20) - 0x57 : -1;
    if (digit < 0) continue;
    if (high < 0) high = digit;
    else {
      out[n++] = (high << 4) | digit;
      high = -1;
    }
  }
  if (high >= 0) out[n++] = high << 4;
  return out.subarray(0, n);
}

/** At most what fromAscii85 makes of the data: 4 bytes per 5 characters, and 4 per "z". */
function ascii85Size(data: Uint8Array): number {
  let zeros = 0;
  for (const byte of data) if (byte === 0x7a) zeros++;
  return Math.ceil(((data.length - zeros) * 4) / 5) + 4 * zeros;
}

function fromAscii85(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(ascii85Size(data));
  let n = 0;
  let group = 0;
  let count = 0;
  for (const byte of data) {
    if (byte === 0x7e) break; // "~>" ends the data
    if (byte === 0x7a && count === 0) {
      n += 4; // "z": four zero bytes
      continue;
    }
    if (byte < 0x21 || byte > 0x75) continue;
    group = group * 85 + (byte - 0x21);
    if (++count === 5) {
      out[n++] = group >>> 24;
      out[n++] = (group >>> 16) & 0xff;
      out[n++] = (group >>> 8) & 0xff;
      out[n++] = group & 0xff;
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let k = count; k < 5; k++) group = group * 85 + 84;
    for (let k = 0; k < count - 1; k++) out[n++] = (group >>> (24 - 8 * k)) & 0xff;
  }
  return out.subarray(0, n);
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
