/**
 * Memories found by meaning (issue 25: "retrieved with the same hybrid search"), through the Worker's
 * routes: each memory embedded when written and paid for like the documents' embeddings, a question
 * close in meaning finding a memory it shares no word with, the question's one embedding shared with
 * the documents' search, a refused or failed embedding keeping the memory (found by keywords until a
 * later question embeds it), and vectors going with the memory, the account and a guest's merge.
 * Workers AI is a TEST DOUBLE: chat answers from worker/test/recorded-ai.ts, embeddings from the double
 * that knows what a few words mean (worker/test/meaning-embeddings.ts).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DocumentRecord } from "../../../contract/documents";
import type { Memory, MemoryList, MemoryWrite } from "../../../contract/memory";
import { DOCUMENT_EMBEDDING_MODEL } from "../../../contract/models";
import { embeddingNeurons } from "../../retrieval/embed";
import type { SpendLedger } from "../../spend/ledger";
import { budgetsOf, personLedgerName, reserve, settle, spenderOf } from "../../spend/spend";
import { newConversationId, readUiStream, TestClient, userMessage } from "../../test/client";
import { meaningEmbeddingAnswer } from "../../test/meaning-embeddings";
import { openAiChunks, recordedRun, type RecordedCall, sseStream } from "../../test/recorded-ai";
import { storeOf } from "../../test/store-of";
import { deleteAccountData, moveGuestInto } from "../person-data/user-data";
import { NOT_EMBEDDED } from "./embed";

afterEach(() => vi.restoreAllMocks());

/** Chat calls answer "Noted."; embeddings come from the meaning double unless `failEmbeddings` says the model is down. */
function useAi(options: { failEmbeddings?: () => boolean } = {}) {
  const chats: RecordedCall[] = [];
  const embeddings: RecordedCall[] = [];
  const fake = recordedRun((call) => {
    const embedded = meaningEmbeddingAnswer(call.model, call.inputs);
    if (embedded) {
      embeddings.push(call);
      if (options.failEmbeddings?.()) throw new Error("AiError: 3040: Capacity temporarily exceeded, please try again.");
      return embedded;
    }
    chats.push(call);
    return sseStream(openAiChunks(["Noted."], { prompt_tokens: 50, completion_tokens: 2, total_tokens: 52 }));
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return { chats, embeddings };
}

async function newClient() {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

async function add(client: TestClient, text: string): Promise<MemoryWrite> {
  const response = await client.json("/api/memory", "POST", { text });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as MemoryWrite;
}

async function list(client: TestClient): Promise<Memory[]> {
  return ((await (await client.fetch("/api/memory")).json()) as MemoryList).memories;
}

function vectorRows(client: TestClient): Promise<string[]> {
  return runInDurableObject(storeOf(client), (_store, state) =>
    state.storage.sql
      .exec<{ memory_id: string }>(`SELECT memory_id FROM memory_vectors ORDER BY memory_id`)
      .toArray()
      .map((r) => r.memory_id),
  );
}

/** Asks a question in a new conversation and returns the memories its answer was given. */
async function ask(client: TestClient, question: string, documentIds?: string[]): Promise<string[]> {
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage(question)], ...(documentIds ? { documentIds } : {}) }));
  let used: { text: string }[] | undefined;
  await vi.waitFor(async () => {
    const messages = ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: any[] }).messages;
    expect(messages.at(-1)?.metadata?.status).toBeDefined();
    used = messages.at(-1).metadata.memories;
  });
  return (used ?? []).map((m) => m.text);
}

const guest = (client: TestClient) => ({ userId: client.userId!, person: { kind: "guest", owner: false } as const });

/** Today's settled (or still reserved) neurons of one guest, as their ledger holds them. */
function spentBy(client: TestClient): Promise<number> {
  const stub = env.SPEND_LEDGER.get(
    env.SPEND_LEDGER.idFromName(personLedgerName(spenderOf(guest(client)).key)),
  ) as unknown as DurableObjectStub<SpendLedger>;
  return runInDurableObject(stub, (_ledger, state) =>
    state.storage.sql
      .exec<{ reserved: number; settled: number | null }>(`SELECT reserved, settled FROM person_reservations`)
      .toArray()
      .reduce((n, r) => n + (r.settled ?? r.reserved), 0),
  );
}

describe("memories found by meaning", () => {
  it("embeds a memory when it is added, paid at the embedding's price, and a question close in meaning finds it", async () => {
    const ai = useAi();
    const client = await newClient();
    const before = await spentBy(client);
    const rex = await add(client, "Has a dog named Rex.");
    expect(rex).toEqual({ memory: expect.objectContaining({ text: "Has a dog named Rex.", embedded: true }) });
    expect(ai.embeddings.map((c) => c.inputs.text)).toEqual([["Has a dog named Rex."]]);
    expect(await spentBy(client)).toBe(before + embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, ["Has a dog named Rex."]));
    await add(client, "Works as a nurse on night shifts.");
    expect(await vectorRows(client)).toHaveLength(2);

    // No word in common with "Has a dog named Rex.", close in meaning (the double reads "puppy" as a dog).
    expect(await ask(client, "Which treats suit a puppy?")).toEqual(["Has a dog named Rex."]);
    expect(ai.chats[0].inputs.messages).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: "system", content: expect.stringContaining("- Has a dog named Rex.") })]),
    );
    // Unrelated in words and in meaning: nothing joins the prompt.
    expect(await ask(client, "What is the capital of France?")).toEqual([]);
  });

  it("embeds the question once for the memories and the documents together", async () => {
    const ai = useAi();
    const client = await newClient();
    await add(client, "Has a dog named Rex.");
    const form = new FormData();
    form.append("file", new File(["The ferry to the island leaves at 06:40 from pier 3."], "ferry.txt"));
    const uploaded = (await (await client.fetch("/api/documents", { method: "POST", body: form })).json()) as DocumentRecord;
    await vi.waitFor(
      async () => expect(((await (await client.fetch(`/api/documents/${uploaded.id}`)).json()) as DocumentRecord).status).toBe("ready"),
      { timeout: 10_000, interval: 25 },
    );
    ai.embeddings.length = 0;

    const question = "Can my puppy come on the ferry?";
    expect(await ask(client, question, [uploaded.id])).toEqual(["Has a dog named Rex."]);
    expect(ai.embeddings.map((c) => c.inputs.text)).toEqual([[question]]);
  });

  it("does not embed the question for memory when the person has none, or has memory off", async () => {
    const ai = useAi();
    const client = await newClient();
    await ask(client, "Which treats suit a puppy?");
    expect(ai.embeddings).toEqual([]);
    await add(client, "Has a dog named Rex.");
    await client.json("/api/memory/settings", "PUT", { enabled: false });
    ai.embeddings.length = 0;
    expect(await ask(client, "Which treats suit a puppy?")).toEqual([]);
    expect(ai.embeddings).toEqual([]);
  });

  it("keeps a memory the budget has no room to embed, says it is found by keywords only, and stores no vector", async () => {
    useAi();
    const client = await newClient();
    // Everything of today's budget spent: the embedding is refused before the model is called.
    const left = budgetsOf(env).guest - (await spentBy(client));
    await settle(env, await reserve(env, { ...guest(client), address: "local" }, left), left);

    const written = await add(client, "Has a dog named Rex.");
    expect(written.memory).toMatchObject({ text: "Has a dog named Rex.", embedded: false });
    expect(written.notice).toBe(NOT_EMBEDDED.budget);
    expect(written.notice).toMatch(/budget .* has no room to embed it.*found only by questions that share its words/);
    expect(await list(client)).toMatchObject([{ text: "Has a dog named Rex.", embedded: false }]);
    expect(await vectorRows(client)).toEqual([]);
  });

  it("a memory the model could not embed is found by keywords, then embedded with the next question and found by meaning", async () => {
    let down = true;
    const ai = useAi({ failEmbeddings: () => down });
    const client = await newClient();
    const written = await add(client, "Has a dog named Rex.");
    expect(written.notice).toBe(NOT_EMBEDDED.failed);
    expect(written.memory.embedded).toBe(false);
    // The question cannot be embedded either: the shared word still finds it.
    expect(await ask(client, "What should I feed my dog?")).toEqual(["Has a dog named Rex."]);
    expect(await ask(client, "Which treats suit a puppy?")).toEqual([]);

    down = false;
    ai.embeddings.length = 0;
    expect(await ask(client, "Which treats suit a puppy?")).toEqual(["Has a dog named Rex."]);
    expect(ai.embeddings.map((c) => c.inputs.text)).toEqual([["Which treats suit a puppy?"], ["Has a dog named Rex."]]);
    expect(await list(client)).toMatchObject([{ embedded: true }]);
  });

  it("deletes a memory's vector with it, and replaces it when the memory is edited", async () => {
    const ai = useAi();
    const client = await newClient();
    const rex = (await add(client, "Has a dog named Rex.")).memory;
    const nurse = (await add(client, "Works as a nurse on night shifts.")).memory;
    expect(await vectorRows(client)).toEqual([rex.id, nurse.id].sort());

    expect((await client.fetch(`/api/memory/${nurse.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await vectorRows(client)).toEqual([rex.id]);

    ai.embeddings.length = 0;
    const edited = await client.json(`/api/memory/${rex.id}`, "PATCH", { text: "Eats lunch at the office." });
    expect(((await edited.json()) as MemoryWrite).memory).toMatchObject({ text: "Eats lunch at the office.", embedded: true });
    expect(ai.embeddings.map((c) => c.inputs.text)).toEqual([["Eats lunch at the office."]]);
    // The old text's meaning is gone with it: a question about a puppy no longer finds this memory.
    expect(await ask(client, "Is my puppy well?")).toEqual([]);
    expect(await ask(client, "Ideas for a quick meal?")).toEqual(["Eats lunch at the office."]);
  });

  it("vectors move with a guest's merge and are deleted with the account", async () => {
    useAi();
    const guestClient = await newClient();
    const account = await newClient();
    await add(guestClient, "Has a dog named Rex.");
    await add(account, "Works as a nurse on night shifts.");

    await moveGuestInto(env, guestClient.userId!, account.userId!);
    expect(await vectorRows(guestClient)).toEqual([]);
    expect(await list(account)).toMatchObject([{ embedded: true }, { embedded: true }]);
    expect(await vectorRows(account)).toHaveLength(2);
    expect(await ask(account, "Which treats suit a puppy?")).toEqual(["Has a dog named Rex."]);

    await deleteAccountData(env, account.userId!);
    expect(await vectorRows(account)).toEqual([]);
  });
});
