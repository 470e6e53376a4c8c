import { convertToModelMessages } from "ai";
import { AppError } from "../../../contract/errors";
import type { MessageMetadata } from "../../../contract/messages";
import { CHAT_SETTINGS_LIMITS } from "../../../contract/models";
import { IMAGE_INPUT_TOKENS, worstCaseAnswer } from "../../spend/answer-cost";
import { keepUpload } from "../../vision/save-upload";
import { jsonBytes } from "../storage/byte-budget";
import type { TurnStart, VisionTurn } from "./turn";
import type { Person } from "../person";
import { loadUpload, Vision } from "../vision/feature";
import { beginAnswer } from "./begin";
import { planAnswer, visionBackend, withImage } from "./plan";

/** A question about one of the person's photos: check, load the photo, plan, reserve, save the thread, stream. */
export async function startVisionTurn(person: Person, turn: VisionTurn): Promise<TurnStart> {
  const vision = person.feature(Vision).rows;
  const { quotas, budget } = person;
  const existing = vision.threadImage(turn.threadId);
  if (existing && existing !== turn.imageId)
    throw new AppError("bad_request", "This thread is about another image. Start a new thread for a new image.");
  quotas.checkVisionThread(turn.threadId, turn.messages.length);
  budget.checkRoom("This message", jsonBytes(turn.messages.at(-1) ?? null));
  const image = await loadUpload(person, turn.payer.userId, turn.imageId);
  if (!image) throw new AppError("not_found", "That image does not exist.");

  const modelMessages = withImage(await convertToModelMessages(turn.messages), image.bytes, image.record.mediaType);
  const maxTokens = turn.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const metadata: MessageMetadata = {};
  const plan = planAnswer("vision", turn.threadId, visionBackend(person.env, metadata), {
    metadata,
    model: turn.model,
    history: turn.messages,
    modelMessages,
    instructions: turn.system,
    temperature: turn.temperature,
    maxTokens,
  });
  const worst = worstCaseAnswer(turn.model, { instructions: turn.system, messages: modelMessages }, maxTokens, IMAGE_INPUT_TOKENS);
  const start = await beginAnswer(person, plan, turn.payer, worst, () => {
    quotas.checkVisionThread(turn.threadId, turn.messages.length);
    budget.within("This message", () => vision.saveHistory(turn.threadId, turn.imageId, turn.model, turn.messages));
  });
  // Asked about now: out of the prefix that expires (once per image, on its first question).
  if (image.pending) await keepUpload(person.env.MEDIA, turn.payer.userId, image.record, image.bytes);
  return start;
}
