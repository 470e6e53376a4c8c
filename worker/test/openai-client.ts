import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { CreatedApiKey } from "../../contract/keys-api";
import app from "../index";
import { budgetStatus } from "../spend/spend";
import { TestClient } from "./client";

/** A person (a cookie-keeping client) and one API key of theirs, made through /api/keys. */
export async function personWithKey(name = "test key"): Promise<{ client: TestClient; key: string; id: string; userId: string }> {
  const client = new TestClient();
  const response = await client.json("/api/keys", "POST", { name });
  expect(response.status, await response.clone().text()).toBe(201);
  const created = (await response.json()) as CreatedApiKey;
  return { client, key: created.key, id: created.id, userId: client.userId! };
}

/**
 * A /v1 call with a key, run to its end (the usage is recorded after the response, in waitUntil).
 * `envPatch` changes variables for this call only (a small budget).
 */
export async function v1(
  path: string,
  key: string | undefined,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  envPatch: Partial<Env> = {},
) {
  const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers };
  if (init.body !== undefined) headers["content-type"] ??= "application/json";
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://app.test/v1${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    }),
    { ...env, ...envPatch },
    ctx,
  );
  const text = await response.text();
  await waitOnExecutionContext(ctx);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { response, text, json };
}

/** The JSON events of an SSE body, without [DONE]. */
export function events(text: string): any[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: ") && block !== "data: [DONE]")
    .map((block) => JSON.parse(block.slice(6)));
}

/** Neurons the (guest) person has spent or reserved today, as the deployment's ledger counts them. */
export async function usageOf(userId: string): Promise<number> {
  return (await budgetStatus(env, { userId, person: { kind: "guest", owner: false } })).used;
}
