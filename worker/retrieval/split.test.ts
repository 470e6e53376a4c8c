import { describe, expect, it } from "vitest";
import { markdownBlocks, paragraphBlocks } from "./blocks";
import { splitBlocks } from "./split";

const sentence = (i: number) => `Sentence number ${i} talks about harbours and tides.`;

describe("splitBlocks", () => {
  it("packs whole paragraphs up to the target size", () => {
    const blocks = paragraphBlocks(Array.from({ length: 40 }, (_, i) => sentence(i)).join("\n\n"));
    const passages = splitBlocks(blocks, { targetChars: 300, overlapChars: 0 });
    expect(passages.length).toBeGreaterThan(5);
    for (const p of passages) expect(p.text.length).toBeLessThanOrEqual(300);
    // Without overlap, every paragraph is in exactly one passage, in order.
    expect(passages.map((p) => p.text).join("\n\n")).toBe(blocks.map((b) => b.text).join("\n\n"));
    expect(passages.map((p) => p.index)).toEqual(passages.map((_, i) => i));
  });

  it("starts a new passage at every heading and labels passages with their section", () => {
    const blocks = markdownBlocks("# Tides\n\nHigh at noon.\n\n# Ships\n\nThree ferries a day.");
    const passages = splitBlocks(blocks, { targetChars: 1000, overlapChars: 100 });
    expect(passages).toEqual([
      { index: 0, text: "High at noon.", heading: "Tides" },
      { index: 1, text: "Three ferries a day.", heading: "Ships" },
    ]);
  });

  it("repeats the end of one passage at the start of the next within a section", () => {
    const blocks = paragraphBlocks(Array.from({ length: 20 }, (_, i) => sentence(i)).join("\n\n"));
    const passages = splitBlocks(blocks, { targetChars: 300, overlapChars: 80 });
    for (let i = 1; i < passages.length; i++) {
      const previousEnd = passages[i - 1].text.slice(-40);
      expect(passages[i].text.startsWith(passages[i].text.slice(0, 10))).toBe(true);
      expect(passages[i].text).toContain(previousEnd);
    }
  });

  it("cuts a paragraph longer than a passage at sentence ends", () => {
    const long = Array.from({ length: 30 }, (_, i) => sentence(i)).join(" ");
    const passages = splitBlocks([{ text: long }], { targetChars: 400, overlapChars: 0 });
    expect(passages.length).toBeGreaterThan(3);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(400);
      expect(p.text.endsWith(".")).toBe(true);
    }
  });

  it("cuts text with no sentence or word boundary at the limit", () => {
    const passages = splitBlocks([{ text: "x".repeat(1000) }], { targetChars: 300, overlapChars: 0 });
    expect(passages.map((p) => p.text.length)).toEqual([300, 300, 300, 100]);
  });

  it("keeps the page a passage starts on", () => {
    const passages = splitBlocks([...paragraphBlocks("First page text.", 1), ...paragraphBlocks("Second page text.", 2)], {
      targetChars: 20,
      overlapChars: 0,
    });
    expect(passages.map((p) => p.page)).toEqual([1, 2]);
  });
});
