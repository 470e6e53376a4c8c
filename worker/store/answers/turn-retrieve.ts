import type { ChatSettings } from "../../../contract/api";
import type { ChatMessage, MessageMetadata } from "../../../contract/messages";
import { questionVector } from "../../retrieval/question-vector";
import { retrievePassages, withPassageRules, type RetrievedForPrompt } from "../../retrieval/retrieve-passages";
import { Documents } from "../documents/feature";
import type { Person } from "../person";
import { Projects } from "../projects/feature";
import { turnAdditions } from "./turn-context";
import type { TurnPayer } from "./turn";

/** What a turn's question brings to its prompt, before any model is picked. */
export interface TurnRetrieved {
  /** The conversation's instructions, what features add (./turn-context.ts) and the passages' rules. */
  instructions: string | undefined;
  passages: RetrievedForPrompt | null;
  /** What features add to the answer's metadata (e.g. the memories used). */
  metadata: Partial<MessageMetadata>;
}

/**
 * The retrieve step every chat-like turn shares (a chat turn, a compare turn): what other features
 * add for the question, and passages from the conversation's documents (attached by the request if
 * it names any) and its project's.
 */
export async function retrieveForTurn(
  person: Person,
  turn: { conversationId: string; payer: TurnPayer; settings: ChatSettings; documentIds?: string[]; projectId?: string },
  history: ChatMessage[],
): Promise<TurnRetrieved> {
  const question = questionText(history.at(-1)!);
  // Embedded at most once, by whichever search asks first (memories, then documents), and not at all if neither does.
  const vector = questionVector(person.env, turn.payer, question);
  const added = await turnAdditions(person, {
    conversationId: turn.conversationId,
    question,
    settings: turn.settings,
    payer: turn.payer,
    projectId: turn.projectId,
    questionVector: vector,
  });
  const documents = person.feature(Documents);
  const passages = await retrievePassages(
    { attachDocuments: async (id, ids) => documents.attachDocuments(id, ids), searchDocuments: documents.searchDocuments.bind(documents) },
    {
      payer: turn.payer,
      conversationId: turn.conversationId,
      question,
      documentIds: turn.documentIds,
      alsoDocumentIds: person.feature(Projects).projectDocumentsOf(turn.conversationId, turn.projectId),
      questionVector: vector,
    },
  );
  return { instructions: withPassageRules(added.instructions, passages), passages, metadata: added.metadata };
}

/** The new message's text parts: what passages are searched for. */
function questionText(message: ChatMessage): string {
  return message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
}
