import { describe, expect, it } from "vitest";
import type { Citation } from "../../../contract/documents";
import { AppError } from "../../../contract/errors";
import { searchDocumentsTool } from "./search-documents";

const citation: Citation = { n: 1, documentId: "doc1", documentName: "Handbook.pdf", page: 4, quote: "Leave is 25 days a year." };
const block =
  '<document_passages>\n<passage n="1" document="Handbook.pdf" page="4">\nLeave is 25 days a year.\n</passage>\n</document_passages>';

function withLibrary(found: { text: string; citations: Citation[] }) {
  const asked: { query: string; signal: AbortSignal }[] = [];
  const tool = searchDocumentsTool({
    searchDocuments: async (query, signal) => {
      asked.push({ query, signal });
      return found;
    },
  });
  const run = (query: string, abortSignal?: AbortSignal) =>
    Promise.resolve(tool.execute!({ query }, { toolCallId: "t", messages: [], context: undefined, abortSignal }));
  return { run, asked };
}

describe("search_documents", () => {
  it("returns the store's numbered passages and their citations", async () => {
    const { run, asked } = withLibrary({ text: block, citations: [citation] });
    const controller = new AbortController();
    expect(await run("  how many days of leave? ", controller.signal)).toEqual({ passages: block, citations: [citation] });
    expect(asked).toEqual([{ query: "how many days of leave?", signal: controller.signal }]);
  });

  it("says in words that nothing matched, so the answer does not make one up", async () => {
    const { run } = withLibrary({ text: "", citations: [] });
    const output = (await run("capybaras")) as { passages: string; citations: Citation[] };
    expect(output.citations).toEqual([]);
    expect(output.passages).toMatch(/^Nothing in the person's documents matched "capybaras"/);
    expect(output.passages).toMatch(/do not make an answer up/);
  });

  it("refuses an empty search in words, without searching", async () => {
    const { run, asked } = withLibrary({ text: block, citations: [citation] });
    const error = await run("   ").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/empty/);
    expect(asked).toEqual([]);
  });
});
