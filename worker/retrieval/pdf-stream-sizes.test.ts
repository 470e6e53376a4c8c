import { describe, expect, it } from "vitest";
import { extractDocument } from "./extract";
import { decodedStreamBytes } from "./pdf-stream-sizes";
import { lzwEncode, lzwRun, makeOnePagePdf } from "../test/pdf-fixtures";

const MB = 1024 * 1024;

describe("decodedStreamBytes", () => {
  it("counts an LZW page as pdf.js reads it", async () => {
    const ops = `BT /F1 11 Tf 72 740 Td (${"Lempel Ziv Welch text, repeated. ".repeat(400)}) Tj ET`;
    const pdf = makeOnePagePdf(lzwEncode(new TextEncoder().encode(ops)), "LZWDecode");
    expect(decodedStreamBytes(pdf, 64 * MB)).toEqual({ total: ops.length, overBudget: false });
    const { blocks } = await extractDocument(pdf, "lzw.pdf");
    expect(blocks.map((b) => b.text).join(" ")).toContain("Lempel Ziv Welch text, repeated.");
  });

  it("stops an LZW bomb at the budget", () => {
    // The shortcut writes what the encoder would, here for a run that fills the table (12-bit codes, then no new ones).
    const filled = lzwRunLength(7_500_000);
    expect(lzwRun(0x20, filled)).toEqual(lzwEncode(new Uint8Array(filled).fill(0x20)));
    expect(decodedStreamBytes(makeOnePagePdf(lzwRun(0x20, filled), "LZWDecode"), 64 * MB).total).toBe(filled);
    const bomb = makeOnePagePdf(lzwRun(0x20, 1024 * MB), "LZWDecode");
    expect(bomb.byteLength).toBeLessThan(1_000_000);
    expect(decodedStreamBytes(bomb, 64 * MB).overBudget).toBe(true);
  });

  it("follows a filter chain: ASCII85 over Flate is measured as what the Flate inside unpacks to", async () => {
    const { zlibSync } = await import("fflate");
    const packed = zlibSync(new Uint8Array(3 * MB).fill(0x20));
    const pdf = makeOnePagePdf(ascii85(packed), "[/ASCII85Decode /FlateDecode]");
    expect(decodedStreamBytes(pdf, 2 * MB).overBudget).toBe(true);
    expect(decodedStreamBytes(pdf, 4 * MB)).toEqual({ total: 3 * MB, overBudget: false });
    // An image codec after Flate ends the measuring there: the Flate part still counts.
    const image = makeOnePagePdf(packed, "[/FlateDecode /DCTDecode]");
    expect(decodedStreamBytes(image, 4 * MB)).toEqual({ total: 3 * MB, overBudget: false });
  });
});

function ascii85(bytes: Uint8Array): Uint8Array {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    const chunk = [0, 1, 2, 3].map((k) => bytes[i + k] ?? 0);
    let n = ((chunk[0] << 24) | (chunk[1] << 16) | (chunk[2] << 8) | chunk[3]) >>> 0;
    const digits: string[] = [];
    for (let k = 0; k < 5; k++) {
      digits.unshift(String.fromCharCode(0x21 + (n % 85)));
      n = Math.floor(n / 85);
    }
    out += digits.slice(0, Math.min(5, bytes.length - i + 1)).join("");
  }
  return new TextEncoder().encode(`${out}~>`);
}

/** The whole codes' length lzwRun writes for a run of at least `length`. */
function lzwRunLength(length: number): number {
  let total = 0;
  for (let size = 1, code = 0; total < length; code++) {
    total += size;
    if (code < 4096 - 258) size++;
  }
  return total;
}
