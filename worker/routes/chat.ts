import { Hono } from "hono";
import { convertToModelMessages } from "ai";
import { chatRequestSchema, type ChatSettings } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { ChatMessage } from "../../contract/messages";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { resolveAiBackend } from "../ai/seam";
import { streamAnswer } from "../ai/stream-answer";
import type { AppEnv } from "../http/app-types";
import { readJson } from "../http/validate";
import { answerCost, withCost, worstCaseAnswer } from "../spend/answer-cost";
import { reserve, settle } from "../spend/spend";
import { retrievePassages, withPassageRules, withPassages } from "../retrieval/retrieve-passages";
import { userStore } from "../store/stub";

/**
 * POST /api/chat: the AI SDK UI message protocol. Validate, save the user's message, stream the
 * answer, and save it when it ends — complete, or marked partial when stopped, failed or abandoned.
 */
export const chat = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readJson(c, chatRequestSchema);
  const history = body.messages as ChatMessage[];
  const store = userStore(c);

  const requested = pickSettings(body);
  if (requested.model && !findChatModel(requested.model)) throw unknownModel(requested.model);
  if (history.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's message.");
  if (!hasText(history.at(-1)!)) throw new AppError("bad_request", "The last message has no text. Write something to send.");

  // One Durable Object round trip before the answer streams: saveHistory merges the request's
  // settings over the stored ones and returns them (a separate read first cost ~5 ms of TTFT).
  const { settings } = await store.saveHistory(body.id, requested, history);
  const model = settings.model ?? DEFAULT_CHAT_MODEL;
  // A stored model the catalog has since dropped (the request's own was checked above).
  if (!findChatModel(model)) {
    await store.abandonAnswer(body.id);
    throw unknownModel(model);
  }

  const question = history.at(-1)!.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
  const passages = await retrievePassages(store, { namespace: c.var.userId, conversationId: body.id, question, documentIds: body.documentIds }).catch(async (error) => {
    await store.abandonAnswer(body.id);
    throw error;
  });

  // Always sent, so the reservation below is a true upper bound (a model's own default can be larger).
  // The passages are part of the prompt, so the worst case counts them too.
  const maxTokens = settings.maxTokens ?? CHAT_SETTINGS_LIMITS.maxTokens.default;
  const modelMessages = withPassages(await convertToModelMessages(history), passages);
  const instructions = withPassageRules(settings.system, passages);
  const reservation = await reserve(c.env, c.var, worstCaseAnswer(model, { instructions, messages: modelMessages }, maxTokens)).catch(async (error) => {
    await store.abandonAnswer(body.id);
    throw error;
  });

  const backend = resolveAiBackend(c.env);
  return streamAnswer(c, {
    backend,
    model,
    history,
    modelMessages,
    instructions,
    metadata: passages ? { citations: passages.citations } : undefined,
    temperature: settings.temperature,
    maxTokens,
    save: async (answer) => {
      const cost = answerCost(model, answer, backend.kind === "local-engine");
      try {
        await store.saveAnswer(body.id, withCost(answer, cost));
      } finally {
        await settle(c.env, reservation, cost.neurons);
      }
    },
  });
});

function unknownModel(model: string): AppError {
  return new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
}

/** Only the settings this request names: an omitted one keeps the conversation's stored value. */
function pickSettings({ model, system, temperature, maxTokens }: ChatSettings): ChatSettings {
  return Object.fromEntries(Object.entries({ model, system, temperature, maxTokens }).filter(([, v]) => v !== undefined));
}

/** A question with nothing in it would still be sent to the model, and paid for. */
export function hasText(message: { parts: readonly { type: string; text?: string }[] }): boolean {
  return message.parts.some((part) => part.type === "text" && !!part.text?.trim());
}
