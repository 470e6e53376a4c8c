import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DocumentRecord } from "../../contract/documents";
import { DOCUMENT_EMBEDDING_MODEL, RERANKER_MODEL } from "../../contract/models";
import { extractDocument } from "../retrieval/extract";
import { EMBED_BATCH, embeddingNeurons } from "../retrieval/embed";
import { rerankNeurons } from "../retrieval/paid-calls";
import { splitBlocks } from "../retrieval/split";
import { budgetsOf, personLedgerName, reserve, settle, spenderOf } from "../spend/spend";
import type { SpendLedger } from "../spend/ledger";
import type { UserStore } from "../store/user-store";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { fakeEmbeddingAnswer, fakeRerankAnswer } from "../test/recorded-embeddings";

/** Embeddings and reranks from the recorded-format double (or a reranker that fails); chat turns answer "Noted.". */
function useAi({ rerankFails = false } = {}) {
  const fake = recordedRun((call) => {
    if (rerankFails && call.model === RERANKER_MODEL) throw new Error("AiError: 5007: No such model @cf/baai/bge-reranker-base.");
    return fakeEmbeddingAnswer(call.model, call.inputs) ?? fakeRerankAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["Noted."]));
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

afterEach(() => vi.restoreAllMocks());

const guest = (client: TestClient) => ({ userId: client.userId!, person: { kind: "guest", owner: false } as const });

async function upload(client: TestClient, text: string, name: string): Promise<DocumentRecord> {
  const form = new FormData();
  form.append("file", new File([text], name));
  const response = await client.fetch("/api/documents", { method: "POST", body: form });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

/** Waits for the state (the document left "embedding" in the store's alarm), not for a duration. */
async function settled(client: TestClient, id: string): Promise<DocumentRecord> {
  let record: DocumentRecord | undefined;
  await vi.waitFor(
    async () => {
      record = (await (await client.fetch(`/api/documents/${id}`)).json()) as DocumentRecord;
      expect(record.status).not.toBe("embedding");
    },
    { timeout: 10_000, interval: 25 },
  );
  return record!;
}

/** The texts each embedding call of this upload sends, as the store builds them, batch by batch. */
async function batchesOf(text: string, name: string): Promise<string[][]> {
  const passages = splitBlocks((await extractDocument(new TextEncoder().encode(text), name)).blocks);
  const texts = passages.map((p) => (p.heading ? `${p.heading}\n${p.text}` : p.text));
  return Array.from({ length: Math.ceil(texts.length / EMBED_BATCH) }, (_, i) => texts.slice(i * EMBED_BATCH, (i + 1) * EMBED_BATCH));
}

/** Today's reservations of one spender, oldest first, as the ledger holds them. */
function reservationsOf(spenderKey: string) {
  const stub = env.SPEND_LEDGER.get(env.SPEND_LEDGER.idFromName(personLedgerName(spenderKey))) as unknown as DurableObjectStub<SpendLedger>;
  return runInDurableObject(stub, (_ledger, state) =>
    state.storage.sql
      .exec<{ reserved: number; settled: number | null }>(`SELECT reserved, settled FROM person_reservations ORDER BY seq`)
      .toArray(),
  );
}

async function spendToday(client: TestClient, neurons: number) {
  await settle(env, await reserve(env, { ...guest(client), address: "local" }, neurons), neurons);
}

function longText(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) => `Section ${i} is about the harbour tides, the ships of season ${i} and their cargo.`,
  ).join("\n\n");
}

describe("documents: embedding is paid for like any model call", () => {
  it("charges the uploader's budget for each ingestion call and for a question's embedding, at the catalog's price", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    const text = longText(2000);
    const batches = await batchesOf(text, "harbour.txt");
    expect(batches.length).toBeGreaterThan(1);

    const record = await settled(client, (await upload(client, text, "harbour.txt")).id);
    expect(record.status).toBe("ready");
    const key = spenderOf(guest(client)).key;
    const ingestion = batches.map((texts) => embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, texts));
    expect(await reservationsOf(key)).toEqual(ingestion.map((n) => ({ reserved: n, settled: n })));

    const question = "Which ships came in season 150?";
    await readUiStream(await client.chat({ id: newConversationId(), messages: [userMessage(question)], documentIds: [record.id] }));
    const after = await reservationsOf(key);
    // The question's embedding, the reranker's scoring, then the answer (whose own price the chat tests check).
    const asked = embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, [question]);
    expect(after[ingestion.length]).toEqual({ reserved: asked, settled: asked });
    const reranks = fake.calls.filter((c) => c.model === RERANKER_MODEL);
    expect(reranks).toHaveLength(1);
    const scored = (reranks[0].inputs.contexts as { text: string }[]).map((c) => c.text);
    const reranked = rerankNeurons(question, scored);
    expect(reranked).toBeGreaterThan(0);
    expect(after[ingestion.length + 1]).toEqual({ reserved: reranked, settled: reranked });
    expect(after).toHaveLength(ingestion.length + 3);
    expect(fake.calls.filter((c) => c.model === DOCUMENT_EMBEDDING_MODEL)).toHaveLength(batches.length + 1);
  });

  it("charges nothing for a reranker that gave no scores (the local engine has none), and still answers", async () => {
    const fake = useAi({ rerankFails: true });
    const client = new TestClient();
    await client.startGuest();
    const record = await settled(client, (await upload(client, "The ferry leaves at 06:40 from pier 3.", "ferry.txt")).id);
    const key = spenderOf(guest(client)).key;
    const before = (await reservationsOf(key)).length;

    const question = "When does the ferry leave?";
    const chunks = await readUiStream(
      await client.chat({ id: newConversationId(), messages: [userMessage(question)], documentIds: [record.id] }),
    );
    expect(chunks.filter((c) => c.type === "text-delta").map((c) => c.delta)).toEqual(["Noted."]);
    expect(fake.calls.filter((c) => c.model === RERANKER_MODEL).length).toBeGreaterThan(0);
    const [embedding, rerank] = (await reservationsOf(key)).slice(before);
    expect(embedding.settled).toBe(embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, [question]));
    expect(rerank.reserved).toBeGreaterThan(0);
    expect(rerank.settled).toBe(0);
  });

  it("refuses a question whose reranking the budget has no room for, before the reranker or the answer is called", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    const record = await settled(client, (await upload(client, "The ferry leaves at 06:40 from pier 3.", "ferry.txt")).id);
    const question = "When does the ferry leave?";
    const spent = (await reservationsOf(spenderOf(guest(client)).key)).reduce((n, r) => n + (r.settled ?? r.reserved), 0);
    // Room for the question's embedding and nothing more.
    await spendToday(client, budgetsOf(env).guest - spent - embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, [question]));
    fake.calls.length = 0;

    const response = await client.chat({ id: newConversationId(), messages: [userMessage(question)], documentIds: [record.id] });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("budget_exhausted");
    expect(fake.calls.map((c) => c.model)).toEqual([DOCUMENT_EMBEDDING_MODEL]);
  });

  it("stops ingestion when the budget runs out mid-document: a failed status that says why, and no vectors left", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    const text = longText(2000);
    const batches = await batchesOf(text, "harbour.txt");
    expect(batches.length).toBeGreaterThan(2);
    const [first, second] = batches.map((texts) => embeddingNeurons(DOCUMENT_EMBEDDING_MODEL, texts));
    // Room for exactly two calls today.
    await spendToday(client, budgetsOf(env).guest - first - second);

    const record = await settled(client, (await upload(client, text, "harbour.txt")).id);
    expect(record.status).toBe("failed");
    expect(record.error).toMatch(
      /^Embedding stopped after 100 of [\d,]+ passages: today's budget .* has no room for more\. Nothing of this document is searched\./,
    );
    expect(record.embedded).toBe(0);
    // The third call was refused before the model was asked.
    expect(fake.calls.filter((c) => c.model === DOCUMENT_EMBEDDING_MODEL)).toHaveLength(2);

    const store = env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!)) as unknown as DurableObjectStub<UserStore>;
    const left = await runInDurableObject(store, (_instance, state) => ({
      vectors: state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM passage_vectors WHERE document_id = ?`, record.id).one().n,
      embedded: state.storage.sql
        .exec<{ n: number }>(`SELECT count(*) AS n FROM passages WHERE document_id = ? AND embedded = 1`, record.id)
        .one().n,
    }));
    expect(left).toEqual({ vectors: 0, embedded: 0 });
  });

  it("refuses a question whose embedding the budget has no room for, before any model call", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    const record = await settled(client, (await upload(client, "The ferry leaves at 06:40 from pier 3.", "ferry.txt")).id);
    expect(record.status).toBe("ready");
    await spendToday(
      client,
      budgetsOf(env).guest - (await reservationsOf(spenderOf(guest(client)).key)).reduce((n, r) => n + (r.settled ?? r.reserved), 0),
    );
    fake.calls.length = 0;

    const response = await client.chat({
      id: newConversationId(),
      messages: [userMessage("When does the ferry leave?")],
      documentIds: [record.id],
    });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("budget_exhausted");
    expect(fake.calls).toHaveLength(0);
  });
});
