/**
 * Memory (issue 25) through the Worker's routes: the person's list, its limits and errors, isolation,
 * the byte budget, memories joining a chat turn's prompt (and only relevant ones, and none when off),
 * the `remember` tool asking before it keeps anything, the all-data archive, and account deletion.
 * Workers AI is a TEST DOUBLE (worker/test/recorded-ai.ts); embeddings come from the double in
 * worker/test/meaning-embeddings.ts. Memories found by meaning: worker/store/memory/hybrid.test.ts.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../contract/errors";
import { MEMORY_LIMITS, type Memory, type MemoryList } from "../../contract/memory";
import { SUGGEST_MODEL } from "../store/memory/suggest";
import { countRows } from "../store/person-data/transfer";
import { quotaLimits } from "../store/storage/quotas";
import { deleteAccountData } from "../store/person-data/user-data";
import type { UserStore } from "../store/user-store";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { meaningEmbeddingAnswer } from "../test/meaning-embeddings";
import { openAiChunks, recordedRun, type RecordedCall, sseStream, toolCallChunks } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());
// Adding a memory embeds it: every test has the doubles, and those that script answers replace them.
beforeEach(() => void useAi(says("Noted.")));

/**
 * Chat calls answer with `answers` in turn; embedding calls with the TEST DOUBLE that knows what a few
 * words mean (worker/test/meaning-embeddings.ts). `calls` holds the chat calls, `embeddings` the others.
 */
function useAi(...answers: ((call: RecordedCall) => ReadableStream<Uint8Array>)[]) {
  const calls: RecordedCall[] = [];
  const embeddings: RecordedCall[] = [];
  const fake = recordedRun((call) => {
    const embedded = meaningEmbeddingAnswer(call.model, call.inputs);
    if (embedded) return embeddings.push(call) && embedded;
    calls.push(call);
    return answers[Math.min(calls.length - 1, answers.length - 1)](call);
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return { calls, embeddings };
}
const says = (text: string) => () => sseStream(openAiChunks([text], { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 }));
const callsRemember = (memory: string) => () =>
  sseStream(toolCallChunks([{ id: "call_remember", name: "remember", arguments: { memory } }], "openai"));

async function newClient() {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

function storeOf(client: TestClient) {
  return env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!)) as unknown as DurableObjectStub<UserStore>;
}

async function list(client: TestClient): Promise<MemoryList> {
  const response = await client.fetch("/api/memory");
  expect(response.status).toBe(200);
  return (await response.json()) as MemoryList;
}

async function add(client: TestClient, text: string): Promise<Memory> {
  const response = await client.json("/api/memory", "POST", { text });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { memory: Memory }).memory;
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** The system prompt the model was sent (empty when there was none). */
function systemOf(call: RecordedCall): string {
  const messages = call.inputs.messages as { role: string; content: string }[];
  return messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n");
}

async function answerOf(client: TestClient, id: string): Promise<any> {
  await vi.waitFor(async () => {
    const messages = ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: any[] }).messages;
    expect(messages.at(-1)?.metadata?.status).toBeDefined();
  });
  return ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: any[] }).messages.at(-1);
}

describe("/api/memory", () => {
  it("adds, lists, edits and deletes a person's memories; memory is on until switched off", async () => {
    const client = await newClient();
    expect(await list(client)).toMatchObject({ enabled: true, memories: [], limits: { perPerson: 200, chars: 500 } });
    const rex = await add(client, "  Has a dog named Rex.  ");
    expect(rex.text).toBe("Has a dog named Rex.");
    await add(client, "Prefers metric units.");
    expect((await list(client)).memories.map((m) => m.text)).toEqual(["Has a dog named Rex.", "Prefers metric units."]);

    const edited = await client.json(`/api/memory/${rex.id}`, "PATCH", { text: "Has two dogs, Rex and Nell." });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { memory: Memory }).memory).toMatchObject({ id: rex.id, text: "Has two dogs, Rex and Nell." });

    expect((await client.fetch(`/api/memory/${rex.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await list(client)).memories.map((m) => m.text)).toEqual(["Prefers metric units."]);
    expect((await client.fetch(`/api/memory/${rex.id}`, { method: "DELETE" })).status).toBe(404);

    const off = await client.json("/api/memory/settings", "PUT", { enabled: false });
    expect(((await off.json()) as MemoryList).enabled).toBe(false);
    expect(await list(client)).toMatchObject({ enabled: false, memories: [{ text: "Prefers metric units." }] });
  });

  it("refuses an empty or too long memory, an unknown id, and a 201st memory, each in words", async () => {
    const client = await newClient();
    const empty = await client.json("/api/memory", "POST", { text: "   " });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toMatch(/cannot be empty/);
    const long = await client.json("/api/memory", "POST", { text: "x".repeat(MEMORY_LIMITS.chars + 1) });
    expect(long.status).toBe(400);
    expect((await errorOf(long)).message).toMatch(/at most 500 characters/);
    const missing = await client.json("/api/memory/AAAAAAAAAAAAAAAAAAAAAA", "PATCH", { text: "Anything." });
    expect(missing.status).toBe(404);
    expect((await client.fetch("/api/memory/not-an-id!", { method: "DELETE" })).status).toBe(404);

    await runInDurableObject(storeOf(client), (_store, state) => {
      for (let i = 0; i < MEMORY_LIMITS.perPerson; i++)
        state.storage.sql.exec(
          `INSERT INTO memories (id, text, created_at, updated_at) VALUES (?, ?, ?, ?)`,
          `memory-${i}`.padEnd(22, "x"),
          `Fact ${i}.`,
          i,
          i,
        );
    });
    const full = await client.json("/api/memory", "POST", { text: "One too many." });
    expect(full.status).toBe(409);
    expect(await errorOf(full)).toEqual({ code: "too_many_memories", message: ERRORS.too_many_memories.message });
    // The same memory again is not a new one, so it is not refused either.
    expect((await client.json("/api/memory", "POST", { text: "Fact 3." })).status).toBe(201);
  });

  it("counts memories in the person's byte budget, and refuses one that does not fit", async () => {
    const client = await newClient();
    const before = (await storeOf(client).storageUsage()).used;
    const memory = await add(client, "Lives in Lisbon.");
    expect((await storeOf(client).storageUsage()).used).toBe(before + "Lives in Lisbon.".length);
    await client.json(`/api/memory/${memory.id}`, "PATCH", { text: "Lives in Porto." });
    expect((await storeOf(client).storageUsage()).used).toBe(before + "Lives in Porto.".length);

    // A person who already keeps all but 10 bytes (filling it through the API would take minutes): refused, nothing left behind.
    await runInDurableObject(storeOf(client), (_store, state) => {
      state.storage.sql.exec(`UPDATE storage_usage SET bytes = ? WHERE only = 1`, quotaLimits(env).storageBytes - 10);
    });
    const refused = await client.json("/api/memory", "POST", { text: "Works as a nurse on night shifts." });
    expect(refused.status).toBe(413);
    expect((await errorOf(refused)).code).toBe("storage_full");
    expect((await list(client)).memories.map((m) => m.text)).toEqual(["Lives in Porto."]);
  });

  it("is each person's own: another person sees none of it and cannot change it", async () => {
    const alice = await newClient();
    const bob = await newClient();
    const secret = await add(alice, "Is planning a surprise party for Bob.");
    expect((await list(bob)).memories).toEqual([]);
    expect((await bob.json(`/api/memory/${secret.id}`, "PATCH", { text: "Nothing." })).status).toBe(404);
    expect((await bob.fetch(`/api/memory/${secret.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await list(alice)).memories.map((m) => m.text)).toEqual(["Is planning a surprise party for Bob."]);
  });
});

describe("memories in a chat turn", () => {
  it("the relevant memories join the system prompt and the answer records them; unrelated ones do not", async () => {
    const fake = useAi(says("Rex will love carrots."));
    const client = await newClient();
    const rex = await add(client, "Has a dog named Rex.");
    await add(client, "Works as a nurse on night shifts.");
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("What treats can my dog eat?")], system: "Be brief." }));

    const system = systemOf(fake.calls[0]);
    expect(system).toMatch(/^Be brief\.\n\nWhat you remember about the person/);
    expect(system).toContain("- Has a dog named Rex.");
    expect(system).not.toContain("nurse");
    expect((await answerOf(client, id)).metadata.memories).toEqual([{ id: rex.id, text: "Has a dog named Rex." }]);
  });

  it("adds nothing when no memory matters to the question, or when memory is off", async () => {
    const fake = useAi(says("Paris."));
    const client = await newClient();
    await add(client, "Has a dog named Rex.");
    const first = newConversationId();
    await readUiStream(await client.chat({ id: first, messages: [userMessage("What is the capital of France?")] }));
    expect(systemOf(fake.calls[0])).toBe("");
    expect((await answerOf(client, first)).metadata.memories).toBeUndefined();

    await client.json("/api/memory/settings", "PUT", { enabled: false });
    const second = newConversationId();
    await readUiStream(await client.chat({ id: second, messages: [userMessage("What treats can my dog eat?")] }));
    expect(systemOf(fake.calls[1])).not.toContain("Rex");
    expect((await answerOf(client, second)).metadata.memories).toBeUndefined();
  });

  it("another person's memories never reach my answers", async () => {
    const fake = useAi(says("Sure."));
    const alice = await newClient();
    await add(alice, "Has a dog named Zephyrine.");
    const bob = await newClient();
    await readUiStream(await bob.chat({ id: newConversationId(), messages: [userMessage("What treats can my dog eat?")] }));
    expect(JSON.stringify(fake.calls[0].inputs)).not.toContain("Zephyrine");
  });
});

describe("the remember tool", () => {
  function decided(messages: any[], approved: boolean) {
    const answer = messages.at(-1);
    return [
      ...messages.slice(0, -1),
      {
        ...answer,
        parts: answer.parts.map((p: any) =>
          p.state === "approval-requested" ? { ...p, state: "approval-responded", approval: { ...p.approval, approved } } : p,
        ),
      },
    ];
  }
  async function proposed(client: TestClient, memory: string) {
    const fake = useAi(callsRemember(memory), says(`Noted.`));
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("I am vegetarian, by the way.")] }));
    const waiting = await answerOf(client, id);
    const messages = ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: any[] }).messages;
    return { fake, id, waiting, messages };
  }

  it("asks first; Keep stores the memory, and nothing is stored before", async () => {
    const client = await newClient();
    const { id, waiting, messages } = await proposed(client, "Is vegetarian.");
    expect(waiting.parts.find((p: any) => p.type === "tool-remember")).toMatchObject({
      state: "approval-requested",
      input: { memory: "Is vegetarian." },
    });
    expect((await list(client)).memories).toEqual([]);

    await readUiStream(await client.chat({ id, messages: decided(messages, true) }));
    await vi.waitFor(async () => expect((await list(client)).memories.map((m) => m.text)).toEqual(["Is vegetarian."]));
    // Embedded as it is kept (paid by the answer's payer), so questions close in meaning find it from now on.
    expect((await list(client)).memories[0].embedded).toBe(true);
    const answer = await answerOf(client, id);
    expect(answer.parts.find((p: any) => p.type === "tool-remember")).toMatchObject({ state: "output-available" });
  });

  it("Discard stores nothing, and the model is told", async () => {
    const client = await newClient();
    const { fake, id, messages } = await proposed(client, "Is vegetarian.");
    await readUiStream(await client.chat({ id, messages: decided(messages, false) }));
    await answerOf(client, id);
    expect((await list(client)).memories).toEqual([]);
    expect(JSON.stringify(fake.calls.at(-1)!.inputs.messages)).toMatch(/denied/i);
  });

  it("is not offered to the model when memory is off", async () => {
    const fake = useAi(says("Fine."));
    const client = await newClient();
    await readUiStream(await client.chat({ id: newConversationId(), messages: [userMessage("Hello")] }));
    const offered = (call: RecordedCall) => ((call.inputs.tools as any[]) ?? []).map((t) => t.function?.name ?? t.name);
    expect(offered(fake.calls[0])).toContain("remember");
    await client.json("/api/memory/settings", "PUT", { enabled: false });
    await readUiStream(await client.chat({ id: newConversationId(), messages: [userMessage("Hello again")] }));
    expect(offered(fake.calls[1])).not.toContain("remember");
    expect(offered(fake.calls[1])).toContain("calculate");
  });
});

describe("Suggest memories", () => {
  async function spentToday(client: TestClient): Promise<number> {
    return ((await (await client.fetch("/api/status")).json()) as { budget: { used: number } }).budget.used;
  }

  it("asks the small model about the person's words, pays for it, returns candidates and stores none", async () => {
    const fake = recordedRun((call) =>
      call.model === SUGGEST_MODEL
        ? {
            response: "1. Is vegetarian.\n2. Prefers metric units.\n- Has a dog named Rex.",
            usage: { prompt_tokens: 80, completion_tokens: 20 },
          }
        : sseStream(openAiChunks(["Try a lentil curry."], { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 })),
    );
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const client = await newClient();
    await add(client, "Has a dog named Rex.");
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("I am vegetarian and use metric units. Dinner ideas?")] }));
    await answerOf(client, id);
    const before = await spentToday(client);

    const response = await client.json("/api/memory/suggest", "POST", { conversationId: id });
    expect(response.status, await response.clone().text()).toBe(200);
    // Numbering dropped; what is already kept is not suggested again.
    expect(await response.json()).toEqual({ candidates: ["Is vegetarian.", "Prefers metric units."] });
    const call = fake.calls.find((c) => c.model === SUGGEST_MODEL)!;
    expect(JSON.stringify(call.inputs.messages)).toContain("I am vegetarian and use metric units.");
    expect(JSON.stringify(call.inputs.messages)).not.toContain("lentil");
    expect(await spentToday(client)).toBeGreaterThan(before);
    expect((await list(client)).memories.map((m) => m.text)).toEqual(["Has a dog named Rex."]);
  });

  it("refuses another person's conversation, and says so in words when the model fails", async () => {
    useAi(says("Hello."));
    const alice = await newClient();
    const id = newConversationId();
    await readUiStream(await alice.chat({ id, messages: [userMessage("I live in Lisbon.")] }));
    await answerOf(alice, id);
    const bob = await newClient();
    expect((await bob.json("/api/memory/suggest", "POST", { conversationId: id })).status).toBe(404);

    vi.restoreAllMocks();
    vi.spyOn(env.AI, "run").mockImplementation((() => Promise.reject(new Error("boom"))) as never);
    const failed = await alice.json("/api/memory/suggest", "POST", { conversationId: id });
    expect(failed.status).toBe(502);
    expect((await errorOf(failed)).message).toMatch(/could not suggest memories/);
  });
});

describe("memories leave with the person's data", () => {
  it("are in the all-data archive", async () => {
    const client = await newClient();
    await add(client, "Prefers metric units.");
    const files = unzipSync(new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer()));
    expect(JSON.parse(strFromU8(files["memory/memories.json"]!))).toMatchObject({
      enabled: true,
      memories: [{ text: "Prefers metric units." }],
    });
    expect(JSON.parse(strFromU8(files["manifest.json"]!)).counts.memories).toBe(1);
  });

  it("are deleted with the account: no row of them is left", async () => {
    const client = await newClient();
    await add(client, "Prefers metric units.");
    await client.json("/api/memory/settings", "PUT", { enabled: false });
    await deleteAccountData(env, client.userId!);
    expect(await runInDurableObject(storeOf(client), (_store, state) => countRows(state.storage.sql))).toBe(0);
    expect(await list(client)).toMatchObject({ enabled: true, memories: [] });
  });
});
