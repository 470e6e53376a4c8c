import type { ChatSettings } from "../../../contract/api";
import type { MessageMetadata } from "../../../contract/messages";
import type { QuestionVector } from "../../retrieval/question-vector";
import { memoryContributor } from "../memory/contributor";
import type { Person } from "../person";
import { projectInstructions } from "../projects/turn-contributor";
import type { TurnPayer } from "./turn";

/** What a chat turn is, as the features that add to it see it. */
export interface TurnQuestion {
  conversationId: string;
  /** The new message's text. */
  question: string;
  /** The conversation's settings with the request's over them. */
  settings: ChatSettings;
  payer: TurnPayer;
  /** The question's embedding, paid once for the turn and shared with the documents' search (memories use it). */
  questionVector?: QuestionVector;
  /** The project of a conversation this turn creates (a draft started in a project); an existing one's is read from its row. */
  projectId?: string;
}

/** What a feature adds to a chat turn before it is planned. */
export interface TurnAdditions {
  /** Joined to the system prompt after the conversation's own instructions, in CONTRIBUTORS' order. */
  instructions?: string;
  /** Saved with the answer (e.g. which memories it was given). */
  metadata?: Partial<MessageMetadata>;
}

export type TurnContributor = (person: Person, turn: TurnQuestion) => Promise<TurnAdditions | null> | TurnAdditions | null;

/**
 * The features that add to every chat turn's prompt (projects' instructions, memories), in the order
 * their instructions join it. A feature adds itself with one line here; each is asked once per turn.
 */
const CONTRIBUTORS: TurnContributor[] = [projectInstructions, memoryContributor];

/** Every contributor's additions to a turn: instructions joined (conversation's first), metadata merged. */
export async function turnAdditions(
  person: Person,
  turn: TurnQuestion,
): Promise<{ instructions: string | undefined; metadata: Partial<MessageMetadata> }> {
  const added = await Promise.all(CONTRIBUTORS.map((contribute) => contribute(person, turn)));
  const instructions = [turn.settings.system?.trim(), ...added.map((a) => a?.instructions?.trim())].filter(Boolean).join("\n\n");
  return { instructions: instructions || undefined, metadata: Object.assign({}, ...added.map((a) => a?.metadata ?? {})) };
}
