import { convertToModelMessages } from "ai";
import type { ChatSettings } from "../../../contract/api";
import { AppError } from "../../../contract/errors";
import type { MessageMetadata } from "../../../contract/messages";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL } from "../../../contract/models";
import { TOOL_LIMITS } from "../../../contract/tools";
import { withChatImages, withoutImageParts } from "../../ai/chat-images";
import { IMAGE_INPUT_TOKENS, worstCaseAnswer } from "../../spend/answer-cost";
import { MAX_BYTES_PER_CHAR } from "../../spend/estimate";
import { promptChars } from "../../spend/estimate-usage";
import type { ChatTurn, TurnStart } from "./turn";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import type { AnswerPlan } from "./answers";
import { applyApprovalDecisions, awaitsApproval, withUnansweredDenied } from "./approvals";
import { chunksOf } from "./assemble";
import { beginAnswer } from "./begin";
import { chatBackend, knownModel, planAnswer, withTools } from "./plan";
import { chatTurnImages } from "./turn-images";
import { turnTools } from "./turn-tools";

/**
 * The person's answer to an answer's tool approvals (tools-design.md): only their decisions are
 * taken from the request (./approvals.ts), applied to the stored answer, and the SAME answer
 * carries on from there (as Continue does): the allowed calls run, the denied ones are told to the
 * model, and the loop goes on. Its first model call is reserved like any answer's. The page that
 * asks already has the answer so far, so its stream starts after it; a page rejoining gets it whole.
 */
export async function approveTurn(person: Person, turn: ChatTurn): Promise<TurnStart> {
  const conversations = person.feature(Conversations);
  if (person.answers.runningSlots("chat", turn.conversationId).length)
    throw new AppError("bad_request", "An answer is still being written here. Wait for it or stop it first.");
  const found = conversations.getConversation(turn.conversationId);
  if (!found) throw new AppError("not_found", "That conversation does not exist.");
  const stored = found.messages.at(-1);
  const sent = turn.messages.at(-1);
  if (!stored || !sent || stored.id !== sent.id || !awaitsApproval(stored))
    throw new AppError("bad_request", "There is no tool call waiting for your answer in this conversation. Reload to see it as it is.");
  const { message: answer, approved } = applyApprovalDecisions(stored, sent);
  const settings: ChatSettings = { ...found.conversation.settings, ...turn.settings };
  const model = knownModel(settings.model ?? DEFAULT_CHAT_MODEL);

  const earlier = found.messages.slice(0, -1);
  const history = [...earlier, answer];
  const images = await chatTurnImages(person, model, turn.payer.userId, earlier);
  const modelMessages = withChatImages(
    history,
    await convertToModelMessages(withoutImageParts(withUnansweredDenied(history))),
    images.loaded,
  );
  const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const metadata: MessageMetadata = {};
  const backend = chatBackend(person.env, model, metadata);
  const prompt = { instructions: settings.system, messages: modelMessages };
  // The allowed calls' outputs join the prompt before the first model call: each at its cap.
  const pendingOutputTokens = approved * TOOL_LIMITS.outputChars * MAX_BYTES_PER_CHAR;
  const tools = await turnTools(person, turn, {
    model,
    settings,
    maxTokens,
    metadata,
    promptTokens: promptChars(prompt) + pendingOutputTokens,
    backend,
  });
  if (!tools) throw new AppError("bad_request", "Tools are off for this conversation or its model now, so the call cannot run. Ask again.");
  const plan: AnswerPlan = {
    ...withTools(
      planAnswer("chat", turn.conversationId, backend, {
        metadata,
        model,
        history,
        modelMessages,
        instructions: settings.system,
        temperature: settings.temperature,
        maxTokens,
        reasoningEffort: settings.reasoningEffort,
      }),
      tools,
    ),
    messageId: answer.id,
    prefix: chunksOf({ ...answer, metadata: { ...answer.metadata, status: undefined } }),
  };
  const worst = worstCaseAnswer(model, prompt, maxTokens, images.loaded.size * IMAGE_INPUT_TOKENS + tools.toolTokens + pendingOutputTokens);
  return beginAnswer(
    person,
    plan,
    turn.payer,
    worst,
    () => {
      // "Always allow this tool in this conversation" comes as settings with the decisions.
      if (Object.keys(turn.settings).length) conversations.rows.saveSettings(turn.conversationId, settings);
      // The answer keeps its place in the tree: under the message it followed.
      return earlier.at(-1)?.id ?? null;
    },
    plan.prefix?.length ?? 0,
  );
}
