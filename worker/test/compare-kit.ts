/**
 * What the side-by-side tests share (worker/routes/compare*.test.ts): Workers AI as a TEST DOUBLE
 * (recorded format) that answers each model with the script a test gives it, and ways to look into
 * the person's store while answers run.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { convertToModelMessages, type UIMessage } from "ai";
import { vi, expect } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import type { CompareStarted } from "../../contract/compare";
import { CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { worstCaseAnswer } from "../spend/answer-cost";
import type { UserStore } from "../store/user-store";
import { TestClient, type userMessage } from "./client";
import { type heldSseStream, legacyChunks, type RecordedCall, recordedRun, sseStream } from "./recorded-ai";

export const A = DEFAULT_CHAT_MODEL;
export const B = "@cf/meta/llama-3.2-1b-instruct";
export const C = "@cf/qwen/qwen3-30b-a3b-fp8";

/** A text in pieces, a stream the test makes (a held one it releases), or a call that throws. */
export type Script = string[] | ((signal: AbortSignal, call: RecordedCall) => ReadableStream<Uint8Array> | unknown);

/** Each model answers with its own script; a model with none fails the test. */
export function useAi(scripts: Record<string, Script>) {
  const fake = recordedRun((call) => {
    const script = scripts[call.model];
    if (!script) throw new Error(`no script for ${call.model}`);
    return Array.isArray(script) ? sseStream(legacyChunks(script)) : script(call.options?.signal as AbortSignal, call);
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

export async function newClient(handler?: (request: Request) => Promise<Response>) {
  const client = new TestClient(undefined, undefined, handler ?? null);
  await client.startGuest();
  return client;
}

export function compare(client: TestClient, body: Record<string, unknown>): Promise<Response> {
  return client.json("/api/chat/compare", "POST", body);
}

export async function started(response: Response): Promise<CompareStarted> {
  expect(response.status).toBe(200);
  return (await response.json()) as CompareStarted;
}

export async function detail(client: TestClient, id: string): Promise<ConversationDetail> {
  const response = await client.fetch(`/api/conversations/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ConversationDetail;
}

export function personsStore(client: TestClient) {
  return env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!));
}

/** Every message the conversation keeps, on screen or not. */
export async function everyMessage(client: TestClient, id: string): Promise<any[]> {
  return runInDurableObject(personsStore(client), (store: UserStore) =>
    store.person.sql.exec<{ body: string }>(`SELECT body FROM messages WHERE conversation_id = ? ORDER BY position`, id).toArray(),
  ).then((rows) => rows.map((r) => JSON.parse(r.body)));
}

export async function spentToday(client: TestClient): Promise<number> {
  return ((await (await client.fetch("/api/status")).json()) as { budget: { used: number } }).budget.used;
}

/** Lets a held model stream go on, from the person's object (workerd ties the waiting read to it). */
export async function release(client: TestClient, upstream: ReturnType<typeof heldSseStream>, upTo?: number) {
  await runInDurableObject(personsStore(client), () => upstream.release(upTo));
}

export async function runningSlots(client: TestClient, id: string): Promise<number[]> {
  return runInDurableObject(personsStore(client), (store: UserStore) => store.person.answers.runningSlots("chat", id));
}

export const text = (message: any) =>
  message.parts
    .filter((p: any) => p.type === "text")
    .map((p: any) => p.text)
    .join("");

export const priced = (model: string, usage: { inputTokens: number; outputTokens: number }) =>
  tokenCost(findChatModel(model)!.price, usage.inputTokens, usage.outputTokens);

/** The worst case a plain answer to `question` reserves with `model` (worker/spend/answer-cost.ts). */
export async function worstCase(model: string, question: ReturnType<typeof userMessage>): Promise<number> {
  const messages = await convertToModelMessages([question] as UIMessage[]);
  return worstCaseAnswer(model, { messages }, CHAT_SETTINGS_LIMITS.maxTokens.default);
}
