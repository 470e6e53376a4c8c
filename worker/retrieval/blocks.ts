/**
 * The structure extraction keeps for splitting: a run of text that belongs together (a paragraph, a
 * list, a code block, a table's rows), or a heading that starts a new section. `page` is the PDF
 * page it came from.
 */
export interface Block {
  text: string;
  /** 1 to 6 for a heading; absent for body text. */
  heading?: number;
  page?: number;
}

/**
 * Markdown-ish text into blocks: ATX headings (`# Title`) start sections, blank lines end
 * paragraphs, and fenced code stays whole (a blank line inside code is not a paragraph break).
 */
export function markdownBlocks(text: string, page?: number): Block[] {
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    const body = paragraph.join("\n").trim();
    if (body) blocks.push(page === undefined ? { text: body } : { text: body, page });
    paragraph = [];
  };
  for (const line of text.split(/\r\n?|\n/)) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fence) {
      paragraph.push(line);
      if (fenceMark === fence) {
        fence = null;
        flush();
      }
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      paragraph.push(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*\S)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ text: heading[2], heading: heading[1].length, ...(page === undefined ? {} : { page }) });
    } else if (!line.trim()) flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Plain text and source files: paragraphs separated by blank lines, no headings. */
export function paragraphBlocks(text: string, page?: number): Block[] {
  return text
    .split(/(?:\r\n?|\n)\s*(?:\r\n?|\n)/)
    .map((p) => p.replace(/\s+$/g, "").replace(/^\s*\n/, ""))
    .filter((p) => p.trim())
    .map((p) => (page === undefined ? { text: p } : { text: p, page }));
}
