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
    add(`<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`);
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
  return new TextEncoder().encode(out);
}

/** PDF strings: only ASCII here, with the three characters PDF syntax reserves escaped. */
function escape(line: string): string {
  return line.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);
}
