import { Hono } from "hono";
import { COMPARE_LIMITS, compareRequestSchema } from "../../contract/compare";
import { AppError } from "../../contract/errors";
import type { ChatMessage } from "../../contract/messages";
import { findChatModel } from "../../contract/models";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { checkRateLimit } from "../http/rate-limit";
import { idParam, readJson } from "../http/validate";
import { currentRequestId } from "../log";
import { modelTitlesOn } from "../store/conversations/model-title";
import { userStore } from "../store/stub";
import { rejoinResponse } from "./answer-response";
import { hasText, payerOf } from "./chat";

/**
 * Side by side: one question asked of 2–3 models at once (worker/store/answers/compare-turn.ts).
 * - POST /api/chat/compare: validated here (catalog models, a question with text, the rate limit
 *   once per model, as each is a model call); the person's Durable Object saves the question, reserves
 *   each answer's worst case and starts them. Answers JSON: each slot's message id, or why that one
 *   was refused while the others go on.
 * - GET /api/chat/compare/:id: the compare turn still being written on the conversation (each slot,
 *   ended ones with their saved answer), for a page opened or reloaded mid-way; 204 when none runs.
 *   Meanwhile GET /api/chat/:id/stream answers 204: the page shows these answers side by side instead.
 *   `?question=<id>`: that question's compare turn, ended or not (a page whose stream of an answer
 *   answered 204 reads it as saved here).
 * - GET /api/chat/compare/:id/stream?slot=n: one answer's UI message stream (the AI SDK's protocol,
 *   as GET /api/chat/:id/stream), from its start, then live; 204 when it has ended. One stream per
 *   answer rather than one multiplexed: each is the chat answer stream the page already reads, and
 *   a column that rejoins or stops does so alone.
 * - POST /api/chat/compare/:id/stop?slot=n: stops that answer (without slot: every one).
 */
export const compare = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = await readJson(c, compareRequestSchema);
    for (const model of body.models)
      if (!findChatModel(model)) throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
    const messages = body.messages as ChatMessage[];
    const question = messages.at(-1)!;
    if (question.role !== "user") throw new AppError("bad_request", "The last message must be the person's message.");
    if (!hasText(question)) throw new AppError("bad_request", "The last message has no text. Write something to send.");
    for (const _ of body.models) {
      const refused = await checkRateLimit(c);
      if (refused) throw refused;
    }
    const started = await userStore(c).startCompareTurn({
      conversationId: body.id,
      messages,
      models: body.models,
      projectId: body.projectId,
      payer: payerOf(c),
      modelTitle: modelTitlesOn(c.env),
      requestId: currentRequestId(),
    });
    if ("error" in started) {
      const { code, message, workersAiCode, retryAfter } = started.error;
      throw new AppError(code, message, workersAiCode, retryAfter);
    }
    return c.json(started);
  })
  .get("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    // A visitor with no cookie yet has nothing running: no Durable Object is woken to say so.
    const question = c.req.query("question");
    const questionId = question === undefined ? undefined : idParam(question, "question");
    const running = isNewVisitor(c) ? null : await userStore(c).compareTurn(id, questionId);
    return running ? c.json(running) : c.body(null, 204);
  })
  .get("/:id/stream", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    const slot = slotParam(c.req.query("slot"));
    return rejoinResponse(isNewVisitor(c) ? null : await userStore(c).answerStream("chat", id, slot));
  })
  .post("/:id/stop", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    const raw = c.req.query("slot");
    const message = await userStore(c).stopAnswer("chat", id, raw === undefined ? undefined : slotParam(raw));
    return message ? c.json({ message }) : c.body(null, 204);
  });

/** A compare answer's slot: 0 up to one less than the most models compared. */
function slotParam(raw: string | undefined): number {
  const slot = Number(raw ?? "0");
  if (!Number.isInteger(slot) || slot < 0 || slot >= COMPARE_LIMITS.maxModels)
    throw new AppError("bad_request", `slot must be a whole number from 0 to ${COMPARE_LIMITS.maxModels - 1}.`);
  return slot;
}
