import { Hono, type Context } from "hono";
import { chatRequestSchema, type ChatSettings } from "../../contract/api";
import { AppError } from "../../contract/errors";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import type { AppEnv } from "../http/app-types";
import { rejoinResponse, turnResponse } from "./answer-response";
import { currentRequestId } from "../log";
import { isNewVisitor } from "../http/new-visitor";
import { idParam, readJson } from "../http/validate";
import { requestPayer } from "../spend/request-payer";
import { budgetsOf } from "../spend/spend";
import { modelTitlesOn } from "../store/conversations/model-title";
import type { TurnPayer } from "../store/api";
import { userStore } from "../store/stub";
import { validTimeZone } from "../tools/time-zone";

/**
 * Chat answers, written by the person's Durable Object so they outlive the request:
 * - POST /api/chat: the AI SDK UI message protocol (DefaultChatTransport). Validated here; the
 *   Durable Object retrieves document passages, reserves the worst case against the budget
 *   (worker/spend/), saves the question, calls the model (and its tools) and streams the answer.
 *   A request whose last message is the assistant's answers that answer's tool approvals.
 * - GET /api/chat/:id/stream: the AI SDK's resume protocol: the running answer from its start, then
 *   live; 204 when nothing runs.
 * - POST /api/chat/:id/stop: Stop, from any tab: ends the model call; answers the saved message.
 * - POST /api/chat/:id/continue: carries on an interrupted answer, streaming it whole.
 */
export const chat = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = await readJson(c, chatRequestSchema);
    const messages = body.messages as ChatMessage[];
    const settings = pickSettings(body);
    if (settings.model && !findChatModel(settings.model))
      throw new AppError("unknown_model", `There is no chat model called ${settings.model}. Pick one from the list.`);
    const turn = {
      conversationId: body.id,
      settings,
      messages,
      documentIds: body.documentIds,
      projectId: body.projectId,
      payer: payerOf(c),
      modelTitle: modelTitlesOn(c.env),
      requestId: currentRequestId(),
      timeZone: validTimeZone(body.timeZone),
    };
    // The person allowed or denied a tool call: the answer waiting for it carries on (only the decisions are read).
    if (messages.at(-1)?.role === "assistant") return turnResponse(await userStore(c).approveTurn(turn));
    if (messages.at(-1)?.role !== "user") throw new AppError("bad_request", "The last message must be the person's message.");
    if (!hasText(messages.at(-1)!)) throw new AppError("bad_request", "The last message has no text. Write something to send.");
    return turnResponse(await userStore(c).startChatTurn(turn));
  })
  .get("/:id/stream", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    // A visitor with no cookie yet has nothing running: no Durable Object is woken to say so.
    return rejoinResponse(isNewVisitor(c) ? null : await userStore(c).answerStream("chat", id));
  })
  .post("/:id/stop", async (c) => {
    const message = await userStore(c).stopAnswer("chat", idParam(c.req.param("id"), "conversation"));
    return message ? c.json({ message }) : c.body(null, 204);
  })
  .post("/:id/continue", async (c) =>
    turnResponse(await userStore(c).continueAnswer("chat", idParam(c.req.param("id"), "conversation"), payerOf(c), currentRequestId())),
  );

/** Who pays for an answer, and this Worker's budgets: passed into the Durable Object, which reserves and settles. */
export function payerOf(c: Context<AppEnv>): TurnPayer {
  return { ...requestPayer(c), budgets: budgetsOf(c.env) };
}

/** Only the settings this request names: an omitted one keeps the conversation's stored value. */
function pickSettings({
  model,
  system,
  temperature,
  maxTokens,
  reasoningEffort,
  tools,
  maxSteps,
  alwaysAllow,
  assistantId,
}: ChatSettings): ChatSettings {
  return Object.fromEntries(
    Object.entries({ model, system, temperature, maxTokens, reasoningEffort, tools, maxSteps, alwaysAllow, assistantId }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/** A question with nothing in it would still be sent to the model, and paid for. */
export function hasText(message: { parts: readonly { type: string; text?: string }[] }): boolean {
  return message.parts.some((part) => part.type === "text" && !!part.text?.trim());
}
