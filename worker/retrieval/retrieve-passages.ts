import type { ModelMessage } from "ai";
import type { Budgets, Payer } from "../spend/spend";
import type { DocumentLibrary } from "./library";
import { PASSAGE_RULES, quotePassages, type QuotedPassages } from "./prompt";
import type { QuestionVector } from "./question-vector";

export interface PassageRequest {
  /** Who pays for the question's embedding; their user id is also their Vectorize namespace. */
  payer: Payer & { budgets?: Budgets };
  conversationId: string;
  question: string;
  /** Documents the request attaches to the conversation before searching (the person's own only). */
  documentIds?: readonly string[];
  /** Documents searched as well, without being attached to the conversation (its project's own). */
  alsoDocumentIds?: readonly string[];
  /** The question's embedding shared by the turn's searches (./question-vector.ts); made here when absent. */
  questionVector?: QuestionVector;
}

/** The person's documents as the chat sees them: the store hands in its document library's two calls. */
export interface PassageSource {
  attachDocuments(conversationId: string, documentIds: string[]): Promise<unknown>;
  searchDocuments: DocumentLibrary["search"];
}

export interface RetrievedForPrompt extends QuotedPassages {
  /** The rules for the quoted block, to add to the model's instructions. */
  rules: string;
}

/**
 * The one call the chat makes before the model: attaches any documents the request names, searches
 * the conversation's documents (and its project's) for the question, and returns the quoted data block with its
 * citations, or null when the conversation has no documents (the prompt is then left untouched).
 */
export async function retrievePassages(store: PassageSource, request: PassageRequest): Promise<RetrievedForPrompt | null> {
  if (request.documentIds?.length) await store.attachDocuments(request.conversationId, [...request.documentIds]);
  const found = await store.searchDocuments(
    request.payer,
    request.conversationId,
    request.question,
    request.alsoDocumentIds,
    request.questionVector,
  );
  if (!found) return null;
  return { ...quotePassages(found), rules: PASSAGE_RULES };
}

/** The block goes before the person's last message, inside it: it is their data, never a system instruction. */
export function withPassages(messages: ModelMessage[], retrieved: RetrievedForPrompt | null): ModelMessage[] {
  if (!retrieved) return messages;
  const last = messages.findLastIndex((m) => m.role === "user");
  return messages.map((m, i) => {
    if (i !== last || m.role !== "user") return m;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    return { ...m, content: [{ type: "text" as const, text: retrieved.block }, ...parts] };
  });
}

export function withPassageRules(instructions: string | undefined, retrieved: RetrievedForPrompt | null): string | undefined {
  if (!retrieved) return instructions;
  return [instructions?.trim(), retrieved.rules].filter(Boolean).join("\n\n");
}
