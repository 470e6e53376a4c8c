import type { ModelMessage } from "ai";
import { AppError } from "../../../contract/errors";
import type { MessageMetadata } from "../../../contract/messages";
import { findChatModel } from "../../../contract/models";
import { LICENCE_ACCEPTED_NOTE } from "../../../contract/vision-api";
import { resolveAiBackend, type AiBackend } from "../../ai/backend";
import { toAppError } from "../../http/errors";
import { randomId } from "../../../contract/ids";
import { promptChars } from "../../spend/estimate-usage";
import { visionBinding } from "../../vision/binding";
import type { ThreadKind, TurnStart } from "./turn";
import type { AnswerPlan } from "./answers";
import type { ToolTurn } from "./tool-turn";

/** What the model is told when asked to carry on an interrupted answer; not saved as a message. */
export const CONTINUE_PROMPT = "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything.";

/** An answer's plan: a new message id, the model call, and the metadata read again when it ends. */
export function planAnswer(
  kind: ThreadKind,
  ownerId: string,
  backend: AiBackend,
  call: Omit<AnswerPlan["request"], "backend">,
): AnswerPlan {
  const metadata: MessageMetadata = call.metadata ?? {};
  return {
    kind,
    ownerId,
    messageId: randomId(),
    request: { ...call, backend, metadata },
    promptChars: promptChars({ instructions: call.instructions, messages: call.modelMessages }),
    // Read at the end too: a vision licence note is filled in while the model is called.
    endMetadata: () => ({ ...metadata, servedBy: backend.servedBy() }),
  };
}

/** The plan with its tool loop, when the answer has one. */
export function withTools(plan: AnswerPlan, tools: ToolTurn | undefined): AnswerPlan {
  if (!tools) return plan;
  return { ...plan, request: { ...plan.request, toolLoop: tools.loop }, steps: tools.steps, cleanup: tools.cleanup };
}

/** The backend for vision models: it accepts a model's licence once, and notes that in `metadata`. */
export function visionBackend(env: Env, metadata: MessageMetadata): AiBackend {
  const backend = resolveAiBackend(env);
  return { ...backend, binding: visionBinding(backend.binding, () => (metadata.note = LICENCE_ACCEPTED_NOTE)) };
}

/** Chat models that need a licence accepted (Llama 3.2 Vision) get the vision page's backend, which accepts it once. */
export function chatBackend(env: Env, model: string, metadata: MessageMetadata): AiBackend {
  return findChatModel(model)?.needsAgreement ? visionBackend(env, metadata) : resolveAiBackend(env);
}

/** A stored model the catalog has since dropped (the Worker checked the request's own). */
export function knownModel(model: string): string {
  if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
  return model;
}

/** A turn refused (bad input, quota, budget) comes back as its error body: RPC would lose its code. */
export async function refusing(start: () => Promise<TurnStart>): Promise<TurnStart> {
  try {
    return await start();
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === "internal") throw error;
    return { error: appError.toBody().error };
  }
}

/** The image travels as a file part of the thread's first question, whichever question this is. */
export function withImage(messages: ModelMessage[], data: Uint8Array, mediaType: string): ModelMessage[] {
  const first = messages.findIndex((m) => m.role === "user");
  return messages.map((m, i) => {
    if (i !== first || m.role !== "user") return m;
    const parts = typeof m.content === "string" ? [{ type: "text" as const, text: m.content }] : m.content;
    return { ...m, content: [...parts, { type: "file" as const, data, mediaType }] };
  });
}
