import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import type { Citation } from "../../../contract/documents";
import { AppError } from "../../../contract/errors";
import { describeBuiltin } from "./describe";

export interface SearchDocumentsOutput {
  /** The numbered passages as the model reads them, or a sentence saying nothing was found. */
  passages: string;
  citations: Citation[];
}

const MAX_QUERY_CHARS = 500;

/**
 * The person's library through the store's own hybrid retrieval (keywords, vectors, rerank). The
 * store quotes the passages as it does for attached documents, numbered [n], so an answer cites them
 * the same way and the citations keep the document and page each number points at.
 */
// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(z.object({ query: z.string().describe("What to look for, in words: a question or the key terms.") }));

export function searchDocumentsTool(ctx: {
  searchDocuments(query: string, signal: AbortSignal): Promise<{ text: string; citations: Citation[] }>;
}): Tool {
  return tool({
    description: describeBuiltin("search_documents"),
    inputSchema,
    execute: async ({ query }, { abortSignal }): Promise<SearchDocumentsOutput> => {
      const text = query.trim();
      if (!text) throw new AppError("tool_input", "The search is empty: send the words to look for.");
      if (text.length > MAX_QUERY_CHARS)
        throw new AppError("tool_input", `The search is ${text.length} characters; at most ${MAX_QUERY_CHARS}.`);
      const found = await ctx.searchDocuments(text, abortSignal ?? new AbortController().signal);
      if (!found.citations.length) {
        return {
          passages: `Nothing in the person's documents matched "${text.slice(0, 100)}" (they may have no documents yet). Say that their documents do not cover it; do not make an answer up.`,
          citations: [],
        };
      }
      return { passages: found.text, citations: found.citations };
    },
  });
}
