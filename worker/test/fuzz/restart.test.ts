/**
 * Restart at the Worker level: every Durable Object instance is torn down between requests (as on
 * a deploy, an eviction or a crash) and nothing stored is lost. The model is a TEST DOUBLE.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../client";
import { legacyChunks, sseStream } from "../recorded-ai";

afterEach(() => vi.restoreAllMocks());

it("conversations, answers, settings and titles survive aborting every Durable Object", async () => {
  vi.spyOn(env.AI, "run").mockImplementation((async () => sseStream(legacyChunks(["Kept ", "answer"]))) as never);
  const client = new TestClient();
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage("Survive this", "u1")], temperature: 0.3 }));
  expect((await client.json(`/api/conversations/${id}`, "PATCH", { title: "Renamed" })).status).toBe(200);
  const read = async () => ({
    list: await (await client.fetch("/api/conversations")).json(),
    one: await (await client.fetch(`/api/conversations/${id}`)).json(),
  });
  const before = await read();
  expect((before.one as { messages: unknown[] }).messages).toHaveLength(2);

  await abortAllDurableObjects();

  expect(await read()).toEqual(before);
  expect(before.one).toMatchObject({
    conversation: { title: "Renamed", settings: { temperature: 0.3 } },
    messages: [{ role: "user" }, { role: "assistant", metadata: { status: "complete" } }],
  });
});
