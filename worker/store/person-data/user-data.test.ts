import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DocumentRecord } from "../../../contract/documents";
import { DOCUMENT_EMBEDDING_MODEL } from "../../../contract/models";
import { DocumentLibrary, type LibraryEnv } from "../../retrieval/library";
import { Documents } from "../documents/feature";
import { countRows } from "./transfer";
import type { UserStore } from "../user-store";
import { TestClient } from "../../test/client";
import { recordedRun, sseStream, legacyChunks } from "../../test/recorded-ai";
import { fakeEmbeddingAnswer } from "../../test/recorded-embeddings";
import { VectorizeDouble } from "../../test/vectorize-double";
import { TINY_PNG } from "../../test/vision-images";
import { deleteAccountData, moveGuestInto, USER_MEDIA_PREFIXES } from "./user-data";

afterEach(() => vi.restoreAllMocks());

const DIMENSIONS = fakeEmbeddingAnswer(DOCUMENT_EMBEDDING_MODEL, { text: ["x"] })!.shape[1];

function useAi() {
  const fake = recordedRun((call) => fakeEmbeddingAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["Noted."])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
}

function storeNamed(userId: string) {
  return env.USER_STORE.get(env.USER_STORE.idFromName(userId)) as unknown as DurableObjectStub<UserStore>;
}

/**
 * Points the person's document library at the Vectorize double (VECTOR_INDEX=vectorize), as a
 * production deployment with a VECTORIZE binding would be: Vectorize has no local simulator.
 */
async function useVectorize(userId: string, index: VectorizeDouble) {
  await runInDurableObject(storeNamed(userId), (store, state) => {
    const vectorized = { ...env, VECTOR_INDEX: "vectorize", VECTORIZE: index } as unknown as LibraryEnv;
    store.person.feature(Documents).library = new DocumentLibrary(state.storage, vectorized);
  });
}

/** Uploads a document and waits until it is embedded. */
async function embeddedDocument(client: TestClient, topic: string): Promise<string> {
  const form = new FormData();
  form.append("file", new File([Array.from({ length: 30 }, (_, i) => `Paragraph ${i} about ${topic}.`).join("\n\n")], "notes.txt"));
  const uploaded = await client.fetch("/api/documents", { method: "POST", body: form });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);
  const { id } = (await uploaded.json()) as DocumentRecord;
  await vi.waitFor(
    async () => expect(((await (await client.fetch(`/api/documents/${id}`)).json()) as DocumentRecord).status).toBe("ready"),
    { timeout: 10_000, interval: 25 },
  );
  return id;
}

/** A guest with something under every R2 prefix a person has, and a document embedded into Vectorize. */
async function guestWithEverything(index: VectorizeDouble) {
  useAi();
  const client = new TestClient();
  await client.startGuest();
  const userId = client.userId!;
  await useVectorize(userId, index);
  const id = await embeddedDocument(client, "lighthouses");
  const photo = await client.fetch("/api/vision/images", {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: TINY_PNG,
  });
  expect(photo.status).toBe(201);
  // Generated images and kept photos, as their routes write them (the prefixes, not the models, are under test).
  await env.MEDIA.put(`images/${userId}/generated`, "png");
  await env.MEDIA.put(`uploads/${userId}/kept`, "png");
  index.settle();
  return { client, userId, documentId: id };
}

async function objectsUnder(userId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const prefix of USER_MEDIA_PREFIXES) counts[prefix] = (await env.MEDIA.list({ prefix: `${prefix}/${userId}/` })).objects.length;
  return counts;
}

const none = () => Object.fromEntries(USER_MEDIA_PREFIXES.map((p) => [p, 0]));

describe("deletion leaves nothing", () => {
  it("deleting an account leaves zero R2 objects under every prefix and zero vectors", async () => {
    const index = new VectorizeDouble(DIMENSIONS);
    const { userId } = await guestWithEverything(index);
    expect(Object.values(await objectsUnder(userId)).every((n) => n > 0)).toBe(true);
    expect(index.size(userId)).toBeGreaterThan(0);

    await deleteAccountData(env, userId);
    index.settle();
    expect(await objectsUnder(userId)).toEqual(none());
    expect(index.size(userId)).toBe(0);
    expect(index.size()).toBe(0);
    expect(await runInDurableObject(storeNamed(userId), (_store, state) => countRows(state.storage.sql))).toBe(0);
  });

  it("a guest merged into an account leaves zero R2 objects and zero vectors of its own; the account has them all", async () => {
    const index = new VectorizeDouble(DIMENSIONS);
    const { userId: guestId, documentId } = await guestWithEverything(index);
    const vectors = index.size(guestId);
    const guestBytes = (await storeNamed(guestId).storageUsage()).used;
    const account = new TestClient();
    await account.startGuest();
    const accountId = account.userId!;
    await useVectorize(accountId, index);
    // The account has a document of its own: the guest's passages must not collide with its rows.
    await embeddedDocument(account, "harbours");
    index.settle();
    const accountVectors = index.size(accountId);
    const accountBytes = (await storeNamed(accountId).storageUsage()).used;

    await moveGuestInto(env, guestId, accountId);
    index.settle();
    expect(await objectsUnder(guestId)).toEqual(none());
    expect(index.size(guestId)).toBe(0);
    expect(index.size(accountId)).toBe(accountVectors + vectors);
    expect((await objectsUnder(accountId)).documents).toBe(2);
    expect(await runInDurableObject(storeNamed(guestId), (_store, state) => countRows(state.storage.sql))).toBe(0);
    // The account holds the document now, under its own namespace, and counts its bytes.
    const namespace = await runInDurableObject(
      storeNamed(accountId),
      (_store, state) =>
        state.storage.sql.exec<{ namespace: string }>(`SELECT namespace FROM documents WHERE id = ?`, documentId).one().namespace,
    );
    expect(namespace).toBe(accountId);
    expect((await storeNamed(accountId).storageUsage()).used).toBe(accountBytes + guestBytes);
    const rows = await runInDurableObject(storeNamed(accountId), (_store, state) => {
      const count = (sql: string) => state.storage.sql.exec<{ n: number }>(sql).one().n;
      return { passages: count(`SELECT count(*) AS n FROM passages`), keywords: count(`SELECT count(*) AS n FROM passages_fts`) };
    });
    expect(rows.passages).toBe(accountVectors + vectors);
    expect(rows.keywords).toBe(rows.passages);

    // And deleting the account then removes what came from the guest too.
    await deleteAccountData(env, accountId);
    index.settle();
    expect(await objectsUnder(accountId)).toEqual(none());
    expect(index.size()).toBe(0);
  });
});
