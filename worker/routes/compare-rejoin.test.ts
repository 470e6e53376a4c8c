/**
 * A page opened or reloaded while a compare turn's answers are written (GET /api/chat/compare/:id):
 * it learns every slot, each ended answer as saved, and follows the running ones by their slot;
 * the chat's own rejoin (GET /api/chat/:id/stream) leaves them to it. Workers AI is a TEST DOUBLE
 * (recorded format) whose held streams the test releases.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CompareRunning } from "../../contract/compare";
import { newConversationId, readUiStream, textOf, userMessage } from "../test/client";
import { A, B, C, compare, newClient, release, runningSlots, started, text, useAi } from "../test/compare-kit";
import { heldSseStream, legacyChunks, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

type Held = ReturnType<typeof heldSseStream>;

describe("compare: rejoining every answer", () => {
  it("lists each slot while any runs, an ended one with its saved answer; the chat's rejoin answers 204 meanwhile", async () => {
    const held: Record<string, Held> = {};
    useAi({
      [A]: (s) => (held.a = heldSseStream(legacyChunks(["Slow ", "one"]), 1, s)).stream,
      [B]: ["Quick"],
      [C]: (s) => (held.c = heldSseStream(legacyChunks(["Also ", "slow"]), 1, s)).stream,
    });
    const client = await newClient();
    const id = newConversationId();
    const question = userMessage("Race");
    const start = await started(await compare(client, { id, messages: [question], models: [A, B, C] }));
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([0, 2]));

    const response = await client.fetch(`/api/chat/compare/${id}`);
    expect(response.status).toBe(200);
    const running = (await response.json()) as CompareRunning;
    expect(running.questionId).toBe(question.id);
    expect(running.slots.map(({ answer, ...slot }) => slot)).toEqual(start.slots);
    const [first, second, third] = running.slots;
    expect(first.answer).toBeUndefined();
    expect(third.answer).toBeUndefined();
    expect(second.answer).toMatchObject({ id: "messageId" in second ? second.messageId : "", metadata: { model: B, status: "complete" } });
    expect(text(second.answer)).toBe("Quick");

    // Not slot 0 as if it were the chat's only answer: the page shows all three side by side.
    expect((await client.fetch(`/api/chat/${id}/stream`)).status).toBe(204);
    // Each running one is still followed by its slot, from its start.
    const slot2 = await client.fetch(`/api/chat/compare/${id}/stream?slot=2`);
    expect(slot2.status).toBe(200);

    await release(client, held.a);
    await release(client, held.c);
    expect(textOf(await readUiStream(slot2))).toBe("Also slow");
    await vi.waitFor(async () => expect(await runningSlots(client, id)).toEqual([]));
    // Nothing runs: the conversation shows its answers as versions, as any other.
    expect((await client.fetch(`/api/chat/compare/${id}`)).status).toBe(204);
    // A page whose stream of an answer ended before it asked (204) reads that question's turn as saved.
    const ended = await client.fetch(`/api/chat/compare/${id}?question=${question.id}`);
    expect(ended.status).toBe(200);
    const all = ((await ended.json()) as CompareRunning).slots;
    expect(all.map((s) => [s.model, s.answer && text(s.answer), s.answer?.metadata?.status])).toEqual([
      [A, "Slow one", "complete"],
      [B, "Quick", "complete"],
      [C, "Also slow", "complete"],
    ]);
    expect((await client.fetch(`/api/chat/compare/${id}?question=${crypto.randomUUID()}`)).status).toBe(204);
  });

  it("is forgotten when a chat question replaces it, and a stranger never sees it", async () => {
    const held: Record<string, Held> = {};
    useAi({
      [A]: (s) => (held.a ? sseStream(legacyChunks(["Next answer"])) : (held.a = heldSseStream(legacyChunks(["a1 ", "a2"]), 1, s)).stream),
      [B]: (s) => (held.b = heldSseStream(legacyChunks(["b1 ", "b2"]), 1, s)).stream,
    });
    const owner = await newClient();
    const id = newConversationId();
    const question = userMessage("First");
    await started(await compare(owner, { id, messages: [question], models: [A, B] }));
    const stranger = await newClient();
    expect((await stranger.fetch(`/api/chat/compare/${id}`)).status).toBe(204);
    expect((await owner.fetch(`/api/chat/compare/${id}`)).status).toBe(200);

    // A chat question on the thread stops the compare's answers (saved as stopped) and is the thread's answer now.
    const { messages } = (await (await owner.fetch(`/api/conversations/${id}`)).json()) as { messages: unknown[] };
    const chat = await owner.chat({ id, messages: [...messages, userMessage("Never mind")] });
    expect((await owner.fetch(`/api/chat/compare/${id}`)).status).toBe(204);
    expect(textOf(await readUiStream(chat))).toBe("Next answer");
  });

  it("an id no conversation can have is not found", async () => {
    const client = await newClient();
    expect((await client.fetch(`/api/chat/compare/${"x".repeat(200)}`)).status).toBe(404);
  });
});
