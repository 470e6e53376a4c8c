import { convertToModelMessages, type ModelMessage } from "ai";
import type { ChatSettings } from "../../../contract/api";
import { AppError } from "../../../contract/errors";
import type { MessageMetadata } from "../../../contract/messages";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL } from "../../../contract/models";
import type { AiBackend } from "../../ai/backend";
import { withChatImages, withoutImageParts } from "../../ai/chat-images";
import { IMAGE_INPUT_TOKENS, worstCaseAnswer } from "../../spend/answer-cost";
import type { ThreadKind, TurnPayer, TurnStart } from "./turn";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import { loadUpload, Vision } from "../vision/feature";
import type { AnswerPlan } from "./answers";
import { chunksOf } from "./assemble";
import { beginAnswer } from "./begin";
import { CONTINUE_PROMPT, chatBackend, knownModel, planAnswer, visionBackend, withImage } from "./plan";
import { chatTurnImages } from "./turn-images";

/**
 * Carries on an interrupted answer: the model gets the thread with the answer so far and is asked
 * to continue it; the new text is added to the same message, which streams from its start.
 */
export async function continueAnswer(person: Person, kind: ThreadKind, ownerId: string, payer: TurnPayer): Promise<TurnStart> {
  if (person.answers.runningSlots(kind, ownerId).length)
    throw new AppError("bad_request", "An answer is still being written here. Wait for it or stop it first.");
  const found = kind === "chat" ? person.feature(Conversations).getConversation(ownerId) : person.feature(Vision).rows.getThread(ownerId);
  const answer = found?.messages.at(-1);
  if (!found || !answer)
    throw new AppError("not_found", kind === "chat" ? "That conversation does not exist." : "That vision thread does not exist.");
  if (answer.role !== "assistant" || answer.metadata?.status !== "interrupted")
    throw new AppError("bad_request", "Only an interrupted answer can be continued.");

  const earlier = found.messages.slice(0, -1);
  let modelMessages: ModelMessage[] = [
    ...(await convertToModelMessages(withoutImageParts(found.messages))),
    { role: "user", content: CONTINUE_PROMPT },
  ];
  const settings: ChatSettings = "thread" in found ? { model: found.thread.model } : found.conversation.settings;
  const model = knownModel(settings.model ?? DEFAULT_CHAT_MODEL);
  let backend: AiBackend;
  let imageTokens = 0;
  const metadata: MessageMetadata = {};
  if ("thread" in found) {
    const image = await loadUpload(person, payer.userId, found.thread.imageId);
    if (!image) throw new AppError("not_found", "That image does not exist.");
    modelMessages = withImage(modelMessages, image.bytes, image.record.mediaType);
    backend = visionBackend(person.env, metadata);
    imageTokens = IMAGE_INPUT_TOKENS;
  } else {
    const images = await chatTurnImages(person, model, payer.userId, earlier);
    modelMessages = withChatImages(found.messages, modelMessages, images.loaded);
    backend = chatBackend(person.env, model, metadata);
    imageTokens = images.loaded.size * IMAGE_INPUT_TOKENS;
  }
  const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const plan: AnswerPlan = {
    ...planAnswer(kind, ownerId, backend, {
      metadata,
      model,
      history: [...earlier, answer],
      modelMessages,
      instructions: settings.system,
      temperature: settings.temperature,
      maxTokens,
      reasoningEffort: settings.reasoningEffort,
    }),
    messageId: answer.id,
    prefix: chunksOf({ ...answer, metadata: { ...answer.metadata, status: undefined } }),
  };
  // The answer keeps its place in the tree: under the message it followed.
  return beginAnswer(
    person,
    plan,
    payer,
    worstCaseAnswer(model, { instructions: settings.system, messages: modelMessages }, maxTokens, imageTokens),
    () => earlier.at(-1)?.id ?? null,
  );
}
