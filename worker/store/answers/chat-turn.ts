import { convertToModelMessages } from "ai";
import type { ChatSettings } from "../../../contract/api";
import type { MessageMetadata } from "../../../contract/messages";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL } from "../../../contract/models";
import { withChatImages, withoutImageParts } from "../../ai/chat-images";
import { withPassages } from "../../retrieval/retrieve-passages";
import { promptChars } from "../../spend/estimate-usage";
import { IMAGE_INPUT_TOKENS, worstCaseAnswer } from "../../spend/answer-cost";
import { keepUpload } from "../../vision/save-upload";
import { jsonBytes } from "../storage/byte-budget";
import type { ChatTurn, TurnStart } from "./turn";
import { Conversations } from "../conversations/feature";
import { parseSettings } from "../conversations/rows";
import type { Person } from "../person";
import { placeNewChat, projectOfNewChat } from "../projects/new-chat";
import { beginAnswer } from "./begin";
import { withUnansweredDenied } from "./approvals";
import { chatBackend, knownModel, planAnswer, withTools } from "./plan";
import { chatTurnImages } from "./turn-images";
import { retrieveForTurn } from "./turn-retrieve";
import { turnTools } from "./turn-tools";

/**
 * A chat turn, start to stream: check, retrieve, plan, reserve, save the question, stream. The
 * answer is saved and its spend settled when it ends (./save-answer.ts), in this object, whether or
 * not anyone still listens.
 */
export async function startChatTurn(person: Person, turn: ChatTurn): Promise<TurnStart> {
  const conversations = person.feature(Conversations);
  const { quotas, budget } = person;

  // Check: the stored conversation and the request's path through it, against the quotas.
  const read = conversations.rows.turnState(turn.conversationId, person.generation);
  // A new conversation may be started in a project (a draft's first message; an existing one's project is its own).
  const project = read.settings === null ? projectOfNewChat(person, turn.projectId) : null;
  // The project's model and tools sit under what the request names: the page preselects them and
  // the person may change them, and an explicit choice (tools: [] included) is never overridden.
  // Only what the request leaves unset (a client that never read the project) comes from the project.
  const stored: ChatSettings = read.settings !== null ? parseSettings(read.settings) : { ...project?.defaults };
  const settings: ChatSettings = { ...stored, ...turn.settings };
  const model = knownModel(settings.model ?? DEFAULT_CHAT_MODEL);
  // The path the client sent must be one of the stored tree; the model gets the stored copy of it.
  const resolved = conversations.tree.resolvePath(turn.conversationId, turn.messages);
  const history = [...resolved.stored, ...resolved.fresh];
  // Refused before anything is spent or saved: a conversation with no room left (every branch counts).
  quotas.checkConversationCounted(resolved.count + resolved.fresh.length, read.conversations);
  budget.checkRoom("This message", jsonBytes(resolved.fresh), read.used);

  // Retrieve: what other features add, passages from the person's documents (./turn-retrieve.ts), and the images the turn sends.
  const { instructions, passages, metadata: added } = await retrieveForTurn(person, { ...turn, settings, projectId: project?.id }, history);
  const images = await chatTurnImages(person, model, turn.payer.userId, history);

  // Plan: the prompt, the model call and its tools, and the worst case it can cost.
  const modelMessages = withPassages(
    withChatImages(history, await convertToModelMessages(withoutImageParts(withUnansweredDenied(history))), images.loaded),
    passages,
  );
  // Always sent, so the reservation is a true upper bound (a model's own default can be larger).
  const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const metadata: MessageMetadata = { ...added, ...(passages ? { citations: passages.citations } : {}) };
  const backend = chatBackend(person.env, model, metadata);
  const prompt = { instructions, messages: modelMessages };
  const tools = await turnTools(person, turn, { model, settings, maxTokens, metadata, promptTokens: promptChars(prompt), backend });
  const plan = withTools(
    planAnswer("chat", turn.conversationId, backend, {
      model,
      history,
      modelMessages,
      instructions,
      temperature: settings.temperature,
      maxTokens,
      reasoningEffort: settings.reasoningEffort,
      metadata,
    }),
    tools,
  );
  const worst = worstCaseAnswer(model, prompt, maxTokens, images.loaded.size * IMAGE_INPUT_TOKENS + (tools?.toolTokens ?? 0));

  // Reserve, save the question, stream (./begin.ts).
  const start = await beginAnswer(person, plan, turn.payer, worst, () => {
    // The question is saved before the model is called: it is never lost to a failed answer.
    // Checked again here when anything was written meanwhile (the tree may have changed while
    // passages were searched, the ledger was asked, an earlier answer was stopped): unchanged
    // since, what was read holds. What is read here holds until the writes below: the transaction is synchronous.
    const unchanged = conversations.rows.unchangedSince(read, person.generation);
    const state = unchanged ? read : conversations.rows.turnState(turn.conversationId, person.generation);
    const now = unchanged ? resolved : conversations.tree.resolvePath(turn.conversationId, turn.messages);
    quotas.checkConversationCounted(now.count + now.fresh.length, state.conversations);
    conversations.titles.turnStarted(turn.conversationId, history, turn.modelTitle ? turn.payer : null, () => state.titleBy ?? undefined);
    // The question must fit the byte budget; the answer to it is kept whatever its size (it is paid for).
    const created = state.settings === null;
    const saved = budget.within(
      "This message",
      () => conversations.rows.saveTurn(turn.conversationId, created && project ? settings : turn.settings, now, state),
      state.used,
    );
    if (created && project) placeNewChat(person, turn.conversationId, project.id);
    conversations.images.link(turn.conversationId, images.linked);
    return saved;
  });
  // Sent now: out of the prefix that expires (once per image, on the first message that carries it).
  for (const image of images.pending) await keepUpload(person.env.MEDIA, turn.payer.userId, image.record, image.bytes);
  return start;
}
