import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DocumentRecord } from "../../../contract/documents";
import { DOCUMENT_EMBEDDING_MODEL } from "../../../contract/models";
import type { ImageRecord } from "../../../contract/images-api";
import type { ShareLink } from "../../../contract/share-api";
import { documentKey } from "../../retrieval/library";
import { budgetsOf, reserve, settle } from "../../spend/spend";
import { newConversationId, readUiStream, TestClient, userMessage } from "../../test/client";
import { legacyChunks, recordedRun, sseStream } from "../../test/recorded-ai";
import { fakeEmbeddingAnswer } from "../../test/recorded-embeddings";
import { storeOf, userIdOf } from "../../test/store-of";
import { TINY_PNG } from "../../test/vision-images";
import { quotaLimits } from "./quotas";

afterEach(() => vi.restoreAllMocks());

const LIMIT = quotaLimits(env).storageBytes;
const MB = 1024 * 1024;

function useAi() {
  const fake = recordedRun((call) => fakeEmbeddingAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["Noted, and kept."])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

/** Sets the person's running total, as if they already kept that much (filling 500 MB through the API would take minutes). */
async function setUsed(client: TestClient, bytes: number) {
  await runInDurableObject(storeOf(client), (_store, state) => {
    state.storage.sql.exec(
      `INSERT INTO storage_usage (only, bytes) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET bytes = excluded.bytes`,
      bytes,
    );
  });
}

async function used(client: TestClient): Promise<number> {
  return (await storeOf(client).storageUsage()).used;
}

/** The message bodies the person's store holds, in bytes, counted from the rows themselves. */
async function messageBytes(client: TestClient): Promise<number> {
  return runInDurableObject(
    storeOf(client),
    (_store, state) =>
      state.storage.sql.exec<{ n: number }>(`SELECT COALESCE(SUM(length(CAST(body AS BLOB))), 0) AS n FROM messages`).one().n,
  );
}

async function errorOf(response: Response) {
  return { status: response.status, ...((await response.json()) as { error: { code: string; message: string } }).error };
}

function upload(client: TestClient, data: Uint8Array | string, name: string) {
  const form = new FormData();
  form.append("file", new File([data], name));
  return client.fetch("/api/documents", { method: "POST", body: form });
}

async function documentRows(client: TestClient) {
  return runInDurableObject(storeOf(client), (_store, state) => {
    const count = (table: string) => state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
    return { documents: count("documents"), passages: count("passages") };
  });
}

async function originals(client: TestClient): Promise<string[]> {
  return (await env.MEDIA.list({ prefix: `documents/${userIdOf(client)}/` })).objects.map((o) => o.key);
}

function paragraphs(count: number): string {
  return Array.from({ length: count }, (_, i) => `Paragraph ${i} tells of the lighthouse keeper and the storm of year ${i}.`).join("\n\n");
}

async function chatTurn(client: TestClient, id: string, text: string) {
  const response = await client.chat({ id, messages: [userMessage(text)] });
  if (response.status === 200) await readUiStream(response);
  return response;
}

describe("byte budget: documents", () => {
  it("refuses a 20 MB document past the budget before reading it, and keeps nothing of it", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    await setUsed(client, LIMIT - 10 * MB);

    const refused = await upload(client, new Uint8Array(20 * MB).fill(0x61), "big.txt");
    expect(await errorOf(refused)).toEqual({
      status: 413,
      code: "storage_full",
      message:
        "Your conversations, documents, photos, images and shared links take 490 MB of the 500 MB one person can keep, and this document needs 20 MB more. Delete what you no longer need (old conversations, documents, images, shared links) to make room.",
    });
    expect(await originals(client)).toEqual([]);
    expect(await documentRows(client)).toEqual({ documents: 0, passages: 0 });
    expect(await used(client)).toBe(LIMIT - 10 * MB);
    expect(fake.calls).toHaveLength(0);
  });

  it("refuses, in the store's transaction, a document whose passages take it past the budget: no original, no rows", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    const text = paragraphs(400);
    const fileBytes = new TextEncoder().encode(text).byteLength;
    // The file alone fits (the early check passes); with its passages it does not.
    await setUsed(client, LIMIT - fileBytes - 1000);

    const refused = await upload(client, text, "storm.txt");
    expect(await errorOf(refused)).toMatchObject({ status: 413, code: "storage_full" });
    expect(await originals(client)).toEqual([]);
    expect(await documentRows(client)).toEqual({ documents: 0, passages: 0 });
    expect(await used(client)).toBe(LIMIT - fileBytes - 1000);
    expect(fake.calls).toHaveLength(0);
  });

  it("counts a document's original and passages, and deleting it gives every byte back", async () => {
    useAi();
    const client = new TestClient();
    await client.startGuest();
    const text = paragraphs(50);
    const response = await upload(client, text, "keeper.txt");
    expect(response.status, await response.clone().text()).toBe(201);
    const record = (await response.json()) as DocumentRecord;
    const fileBytes = new TextEncoder().encode(text).byteLength;
    // The original plus its passages' text: more than the file, less than twice it with headings.
    expect(await used(client)).toBeGreaterThan(fileBytes);
    expect(await used(client)).toBeLessThan(2.5 * fileBytes);
    expect(await originals(client)).toEqual([documentKey(userIdOf(client), record.id)]);

    expect((await client.fetch(`/api/documents/${record.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await used(client)).toBe(0);
    expect(await originals(client)).toEqual([]);
  });

  it("a document the spend budget refuses at embedding keeps only its record: no original, no passages, no bytes", async () => {
    const fake = useAi();
    const client = new TestClient();
    await client.startGuest();
    // Today's whole guest budget spent: the first embedding call is refused.
    const payer = { userId: userIdOf(client), person: { kind: "guest", owner: false } as const, address: "local" };
    const all = budgetsOf(env).guest;
    await settle(env, await reserve(env, payer as never, all), all);

    const response = await upload(client, paragraphs(50), "refused.txt");
    expect(response.status, await response.clone().text()).toBe(201);
    const { id } = (await response.json()) as DocumentRecord;
    let record: DocumentRecord | undefined;
    await vi.waitFor(
      async () => {
        record = (await (await client.fetch(`/api/documents/${id}`)).json()) as DocumentRecord;
        expect(record.status).toBe("failed");
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(record!.error).toContain("Its file and text were not kept");
    expect(fake.calls.filter((c) => c.model === DOCUMENT_EMBEDDING_MODEL)).toHaveLength(0);
    await vi.waitFor(async () => expect(await originals(client)).toEqual([]), { timeout: 5_000, interval: 25 });
    expect(await documentRows(client)).toEqual({ documents: 1, passages: 0 });
    expect(await used(client)).toBe(0);
  });
});

describe("byte budget: messages, imports, shares", () => {
  it("counts message bodies in bytes; a turn that does not fit is refused before the model, and deleting gives the bytes back", async () => {
    const fake = useAi();
    const client = new TestClient();
    const id = newConversationId();
    expect((await chatTurn(client, id, "A question worth keeping, with ünïcödé.")).status).toBe(200);
    const kept = await messageBytes(client);
    expect(kept).toBeGreaterThan(0);
    expect(await used(client)).toBe(kept);

    await setUsed(client, LIMIT - 10);
    const calls = fake.calls.length;
    const refused = await chatTurn(client, newConversationId(), "One more question");
    expect(await errorOf(refused)).toMatchObject({ status: 413, code: "storage_full", message: expect.stringContaining("500 MB") });
    expect(fake.calls.length).toBe(calls);
    expect(await messageBytes(client)).toBe(kept);

    expect((await client.fetch(`/api/conversations/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await used(client)).toBe(LIMIT - 10 - kept);
  });

  it("counts an import's messages in bytes, and refuses one that cannot fit whole, before writing any of it", async () => {
    useAi();
    const client = new TestClient();
    const id = newConversationId();
    await chatTurn(client, id, "Something to export and bring back.");
    const file = await (await client.fetch(`/api/conversations/${id}/export?format=json`)).text();
    const before = await used(client);

    const imported = await client.fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: file });
    expect(imported.status, await imported.clone().text()).toBe(201);
    expect(await used(client)).toBe(await messageBytes(client));
    expect(await used(client)).toBe(2 * before);

    await setUsed(client, LIMIT - 100);
    const refused = await client.fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: file });
    expect(await errorOf(refused)).toMatchObject({
      status: 413,
      code: "storage_full",
      message: expect.stringContaining("this import needs"),
    });
    const list = (await (await client.fetch("/api/conversations")).json()) as { conversations: unknown[] };
    expect(list.conversations).toHaveLength(2);
  });

  it("counts a shared snapshot's bytes, refuses a share past the budget, and revoking gives the bytes back", async () => {
    useAi();
    const client = new TestClient();
    const id = newConversationId();
    await chatTurn(client, id, "Share this one.");
    const before = await used(client);

    const shared = await client.fetch(`/api/conversations/${id}/share`, { method: "POST" });
    expect(shared.status).toBe(201);
    const { share } = (await shared.json()) as { share: ShareLink };
    const snapshot = await (await client.fetch(`/api/shared/${share.token}`)).text();
    expect(snapshot.length).toBeGreaterThan(0);
    const afterShare = await used(client);
    expect(afterShare - before).toBeGreaterThan(100);

    expect((await client.fetch(`/api/shares/${share.token}`, { method: "DELETE" })).status).toBe(204);
    expect(await used(client)).toBe(before);

    await setUsed(client, LIMIT - 10);
    const refused = await client.fetch(`/api/conversations/${id}/share`, { method: "POST" });
    expect(await errorOf(refused)).toMatchObject({
      status: 413,
      code: "storage_full",
      message: expect.stringContaining("this shared link needs"),
    });
    expect(((await (await client.fetch("/api/shares")).json()) as { shares: unknown[] }).shares).toEqual([]);
    expect(await used(client)).toBe(LIMIT - 10);
  });

  it("two parallel writes cannot pass the budget together: one is kept, the other refused", async () => {
    const client = new TestClient();
    await client.startGuest();
    const store = storeOf(client);
    const message = (id: string) => ({
      message: { id, role: "user" as const, parts: [{ type: "text" as const, text: "x".repeat(1000) }], metadata: {} },
      parentId: null,
    });
    // Room for one such conversation, not two.
    await setUsed(client, LIMIT - 1500);
    const results = await Promise.allSettled(
      ["a", "b"].map((n) => store.importConversation(newConversationId(), `Parallel ${n}`, {}, [message(`m-${n}`)])),
    );
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(rejected.reason)).toContain("[storage_full]");
    expect(await used(client)).toBeLessThanOrEqual(LIMIT);
    expect(await used(client)).toBe(LIMIT - 1500 + (await messageBytes(client)));
  });

  it("counts photos and generated images by their R2 bytes: one that does not fit is refused (no object left), deleting gives bytes back", async () => {
    const client = new TestClient();
    await client.startGuest();
    const upload = () =>
      client.fetch("/api/vision/images", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: TINY_PNG });
    expect((await upload()).status).toBe(201);
    expect(await used(client)).toBe(TINY_PNG.byteLength);

    const store = storeOf(client);
    const record = { id: "img1", prompt: "a kite", bytes: 300_000, createdAt: Date.now() } as ImageRecord;
    await store.saveImage(record);
    const withImage = await used(client);
    expect(withImage - TINY_PNG.byteLength).toBe(300_000 + new TextEncoder().encode(JSON.stringify(record)).byteLength);
    expect(await store.deleteImage("img1")).toBe(true);
    expect(await used(client)).toBe(TINY_PNG.byteLength);

    await setUsed(client, LIMIT - 10);
    expect(await errorOf(await upload())).toMatchObject({
      status: 413,
      code: "storage_full",
      message: expect.stringContaining("this photo needs"),
    });
    expect((await env.MEDIA.list({ prefix: `pending-uploads/${userIdOf(client)}/` })).objects).toHaveLength(1);
    const refused = await store.saveImage({ ...record, id: "img2" }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/^\[storage_full\] .* and this image needs 294 KB more\./);
    expect(await store.getImage("img2")).toBeNull();
  });

  it("says what is too big when one thing alone is larger than the whole budget", async () => {
    const client = new TestClient();
    await client.startGuest();
    const refusal = await storeOf(client)
      .checkStorageRoom("This document", LIMIT + 1)
      .then(
        () => null,
        (error: Error) => error.message,
      );
    expect(refusal).toBe("[too_large] This document needs 500 MB, more than the 500 MB one person can keep in all. Make it smaller.");
  });
});
