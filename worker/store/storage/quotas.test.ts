import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../../test/client";
import { legacyChunks, recordedRun, sseStream } from "../../test/recorded-ai";
import { storeOf, userIdOf } from "../../test/store-of";
import { TINY_PNG } from "../../test/vision-images";
import { DEFAULT_QUOTAS, quotaLimits, Quotas } from "./quotas";

afterEach(() => vi.restoreAllMocks());

const limits = quotaLimits(env);

function useAi() {
  const fake = recordedRun(() => sseStream(legacyChunks(["fine"])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

/** Rows written straight into the person's SQLite: reaching a limit of hundreds through the API would take minutes. */
async function fill(client: TestClient, sql: string, count: number, row: (i: number) => SqlStorageValue[]) {
  await runInDurableObject(storeOf(client), (_store, state) => {
    state.storage.transactionSync(() => {
      for (let i = 0; i < count; i++) state.storage.sql.exec(sql, ...row(i));
    });
  });
}

async function errorOf(response: Response) {
  return { status: response.status, ...((await response.json()) as any).error };
}

describe("quota settings", () => {
  it("reads each limit from vars, falls back to its default when unset or unreadable, and takes 0 as off", () => {
    expect(quotaLimits({})).toEqual(DEFAULT_QUOTAS);
    expect(
      quotaLimits({
        QUOTA_CONVERSATIONS: "12",
        QUOTA_UPLOAD_MB: "2",
        QUOTA_IMAGES: "0",
        QUOTA_UPLOADS: "many",
        QUOTA_MESSAGES_PER_CONVERSATION: "-3",
      }),
    ).toEqual({
      ...DEFAULT_QUOTAS,
      conversations: 12,
      uploadBytes: 2 * 1024 * 1024,
      images: 0,
    });
    // wrangler.jsonc's values are the defaults written out.
    expect(limits).toEqual(DEFAULT_QUOTAS);
  });

  it("checks each kind of write against its own limit, inside the store", async () => {
    const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`quota-${crypto.randomUUID()}`));
    await runInDurableObject(stub, (_store, state) => {
      const sql = state.storage.sql;
      const quotas = new Quotas(sql, {
        conversations: 2,
        messagesPerConversation: 3,
        uploads: 2,
        uploadBytes: 1000,
        images: 3,
        storageBytes: 0,
      });
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 't', 0, 0), ('c2', 't', 0, 0)`);
      expect(() => quotas.checkConversation("c1", 2)).not.toThrow(); // an existing one, with room for the answer
      expect(() => quotas.checkConversation("c1", 3)).toThrow("[conversation_full] This conversation has reached 3 messages");
      expect(() => quotas.checkConversation("c3", 1)).toThrow("[quota_exceeded] You have 2 conversations, the most one person can keep.");

      sql.exec(`INSERT INTO vision_images (id, media_type, width, height, bytes, created_at) VALUES ('i1', 'image/png', 1, 1, 600, 0)`);
      sql.exec(`INSERT INTO vision_threads (id, image_id, title, model, created_at, updated_at) VALUES ('t1', 'i1', 't', 'm', 0, 0)`);
      expect(() => quotas.checkVisionThread("t2", 1)).not.toThrow(); // threads count apart from conversations
      expect(() => quotas.checkVisionThread("t1", 3)).toThrow("[conversation_full] This thread has reached 3 messages");
      expect(() => quotas.checkUpload(400)).not.toThrow();
      expect(() => quotas.checkUpload(401)).toThrow("[quota_exceeded] Your uploaded photos take");
      sql.exec(`INSERT INTO vision_images (id, media_type, width, height, bytes, created_at) VALUES ('i2', 'image/png', 1, 1, 1, 0)`);
      expect(() => quotas.checkUpload(1)).toThrow("[quota_exceeded] You have 2 uploaded photos");

      sql.exec(`INSERT INTO images (id, created_at, body) VALUES ('g1', 0, '{}'), ('g2', 0, '{}')`);
      expect(() => quotas.checkImages(1)).not.toThrow();
      expect(() => quotas.checkImages(2)).toThrow(
        "[quota_exceeded] You have 2 images, and one person can keep 3. There is room for 1 more.",
      );

      const off = new Quotas(sql, { conversations: 0, messagesPerConversation: 0, uploads: 0, uploadBytes: 0, images: 0, storageBytes: 0 });
      expect(() => (off.checkConversation("c9", 10_000), off.checkUpload(10 ** 9), off.checkImages(10 ** 6))).not.toThrow();
    });
  });
});

describe("quotas at the routes", () => {
  it("refuses a new conversation past the limit with 409 and what to do, before calling the model; existing ones go on", async () => {
    const fake = useAi();
    const client = new TestClient();
    const first = newConversationId();
    expect((await client.chat({ id: first, messages: [userMessage("first")] })).status).toBe(200);
    const fillers = Array.from({ length: limits.conversations - 1 }, () => newConversationId());
    await fill(client, `INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, 'old', 0, 0)`, fillers.length, (i) => [
      fillers[i],
    ]);
    const calls = fake.calls.length;

    const refused = await client.chat({ id: newConversationId(), messages: [userMessage("one too many")] });
    expect(await errorOf(refused)).toEqual({
      status: 409,
      code: "quota_exceeded",
      message: `You have ${limits.conversations.toLocaleString("en-US")} conversations, the most one person can keep. Delete some you no longer need to start a new one.`,
    });
    expect(fake.calls.length).toBe(calls);

    const again = await client.chat({
      id: first,
      messages: [userMessage("first"), { id: "a1", role: "assistant", parts: [{ type: "text", text: "fine" }] }, userMessage("more")],
    });
    expect(again.status).toBe(200);
    await readUiStream(again);
    expect((await client.fetch(`/api/conversations/${fillers[0]}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.chat({ id: newConversationId(), messages: [userMessage("room again")] })).status).toBe(200);
  });

  it("refuses a conversation grown to the message limit with 413: start a new one", async () => {
    const fake = useAi();
    const client = new TestClient();
    const history = Array.from({ length: limits.messagesPerConversation }, (_, i) => userMessage(`message ${i}`));
    const refused = await client.chat({ id: newConversationId(), messages: history });
    expect(await errorOf(refused)).toMatchObject({
      status: 413,
      code: "conversation_full",
      message: expect.stringContaining("Start a new conversation"),
    });
    expect(fake.calls).toHaveLength(0);
    const fits = await client.chat({ id: newConversationId(), messages: history.slice(1) });
    expect(fits.status).toBe(200);
    await readUiStream(fits);
  });

  it("refuses to generate images past the limit before calling the model", async () => {
    const spy = vi.spyOn(env.AI, "run");
    const client = new TestClient();
    await client.startGuest(); // an identity
    await fill(client, `INSERT INTO images (id, created_at, body) VALUES (?, 0, '{}')`, limits.images - 1, (i) => [`img${i}`]);
    const refused = await client.json("/api/images", "POST", { prompt: "a lighthouse", count: 2 });
    expect(await errorOf(refused)).toEqual({
      status: 409,
      code: "quota_exceeded",
      message: `You have ${(limits.images - 1).toLocaleString("en-US")} images, and one person can keep ${limits.images.toLocaleString("en-US")}. There is room for 1 more. Delete images you no longer need to make room.`,
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses an upload past the photo count or byte total, and leaves no R2 object behind", async () => {
    const client = new TestClient();
    const upload = () =>
      client.fetch("/api/vision/images", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: TINY_PNG });
    expect((await upload()).status).toBe(201);
    const objects = async () => (await env.MEDIA.list({ prefix: `pending-uploads/${userIdOf(client)}/` })).objects.length;
    expect(await objects()).toBe(1);

    const insert = `INSERT INTO vision_images (id, media_type, width, height, bytes, created_at) VALUES (?, 'image/png', 1, 1, ?, ?)`;
    await fill(client, insert, 1, () => ["big", limits.uploadBytes - TINY_PNG.byteLength, Date.now()]);
    expect(await errorOf(await upload())).toMatchObject({
      status: 409,
      code: "quota_exceeded",
      message: expect.stringMatching(/^Your uploaded photos take 250 MB of the 250 MB one person can keep\./),
    });
    expect(await objects()).toBe(1);

    await fill(client, `DELETE FROM vision_images WHERE id = ?`, 1, () => ["big"]);
    await fill(client, insert, limits.uploads - 1, (i) => [`photo${i}`, 1, Date.now()]);
    expect(await errorOf(await upload())).toMatchObject({
      status: 409,
      code: "quota_exceeded",
      message: expect.stringContaining(`You have ${limits.uploads} uploaded photos`),
    });
    expect(await objects()).toBe(1);
  });
});
