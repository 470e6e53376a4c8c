import type { Block } from "./blocks";

/** Rows per block, roughly: a passage of a table keeps its header so each passage reads on its own. */
const TARGET_CHARS = 1000;

/**
 * A CSV (or TSV) file as blocks of whole rows, each block starting with the header row, so a
 * passage about row 900 still says what its columns are. Quoted fields may span lines.
 */
export function csvBlocks(text: string): Block[] {
  const rows = splitRows(text).filter((r) => r.trim());
  if (!rows.length) return [];
  const [header, ...body] = rows;
  const blocks: Block[] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of body) {
    if (current.length && size + row.length > TARGET_CHARS) {
      blocks.push({ text: [header, ...current].join("\n") });
      current = [];
      size = 0;
    }
    current.push(row);
    size += row.length + 1;
  }
  if (current.length || !body.length) blocks.push({ text: [header, ...current].join("\n") });
  return blocks;
}

/** Lines, except that a line break inside double quotes belongs to the field. */
function splitRows(text: string): string[] {
  const rows: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) {
      rows.push(text.slice(start, i));
      if (ch === "\r" && text[i + 1] === "\n") i++;
      start = i + 1;
    }
  }
  rows.push(text.slice(start));
  return rows;
}
