import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import { planBatches } from "../../contract/import-batches";
import { describeIgnored, type ImportFile, readImportFile } from "../../contract/import-file";
import { type ConversationExport, IMPORT_LIMITS, type ImportBatchItem, type ImportBatchResult } from "../../contract/transfer";
import { CHATGPT_EXPORT } from "../test/chatgpt-export";
import { chatGptTitle, chatGptZip } from "../test/chatgpt-zip";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { storeOf } from "../test/store-of";
import { quotaLimits } from "../store/storage/quotas";

beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["An answer."]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

const streamOf = (bytes: Uint8Array | string) => new Response(bytes).body!;

async function sendBatch(client: TestClient, body: string) {
  const response = await client.fetch("/api/import/batch", { method: "POST", headers: { "content-type": "application/json" }, body });
  return { status: response.status, body: (await response.json()) as ImportBatchResult & { error?: { code: string; message: string } } };
}

/** What the page does: every batch of the file, in order; each answer's items indexed into the file. */
async function importAll(client: TestClient, file: ImportFile) {
  const plan = planBatches(file);
  const items: ImportBatchItem[] = [...plan.skipped];
  let messagesSkipped = 0;
  for (const batch of plan.batches) {
    const { status, body } = await sendBatch(client, batch.body);
    expect(status, JSON.stringify(body)).toBe(200);
    messagesSkipped += body.messagesSkipped;
    for (const item of body.results) items.push({ ...item, index: batch.indexes[item.index] });
  }
  return { plan, items: items.sort((a, b) => a.index - b.index), messagesSkipped };
}

async function conversations(client: TestClient): Promise<{ id: string; title: string }[]> {
  return ((await (await client.fetch("/api/conversations")).json()) as { conversations: { id: string; title: string }[] }).conversations;
}

describe("reading a ChatGPT export zip", () => {
  it("takes conversations.json from a 21 MB zip of 212 conversations and names every other file as not imported", async () => {
    const zip = chatGptZip({ conversations: 210, photoBytes: 21_000_000, empty: 1, imagesOnly: 1 });
    expect(zip.byteLength).toBeGreaterThan(20_000_000);

    const file = await readImportFile("chatgpt-export.zip", streamOf(zip));
    expect(file.source).toBe("chatgpt");
    expect(file.from).toBe("conversations.json");
    expect(file.conversations).toHaveLength(212);
    expect(file.ignored).toEqual(expect.arrayContaining(["user.json", "chat.html", "message_feedback.json", "file-0-photo.png"]));
    expect(file.ignored).not.toContain("conversations.json");
    expect(describeIgnored(file)).toMatch(
      /^Only conversations\.json was read from the zip\. Not imported: user\.json, message_feedback\.json, chat\.html, file-0-photo\.png, .* and 1 file in dalle-generations\/\. Photos, files and uploads are not imported/,
    );

    // Batches the Worker takes: at most 25 conversations and 10 MB each.
    const plan = planBatches(file);
    expect(plan.batches).toHaveLength(9);
    for (const batch of plan.batches) {
      expect(batch.indexes.length).toBeLessThanOrEqual(IMPORT_LIMITS.batchConversations);
      expect(new TextEncoder().encode(batch.body).byteLength).toBeLessThanOrEqual(IMPORT_LIMITS.batchBytes);
    }
    // Cut down to what the Worker reads: ChatGPT's per-message metadata stays behind.
    expect(plan.batches[0].body).not.toContain("request_id");
    expect(plan.batches[0].body).toContain("Question number 1?");
  });

  it("reads conversations.json on its own, this app's files, and refuses what is neither, saying why", async () => {
    expect((await readImportFile("conversations.json", streamOf(JSON.stringify(CHATGPT_EXPORT)))).conversations).toHaveLength(2);
    const single = await readImportFile(
      "chat.json",
      streamOf(
        JSON.stringify({ format: "workers-ai-chat/conversation", version: 2, exportedAt: 1, conversation: { title: "t" }, messages: [] }),
      ),
    );
    expect(single).toMatchObject({
      source: "workers-ai-chat",
      version: 2,
      conversations: [{ conversation: { title: "t" }, messages: [] }],
    });

    const refused = async (name: string, body: Uint8Array | string) =>
      readImportFile(name, streamOf(body)).then(
        () => "read",
        (error: Error) => error.message,
      );
    expect(await refused("x.json", "{ nope")).toMatch(/x\.json is not valid JSON/);
    expect(await refused("x.json", "[]")).toMatch(/holds no conversations/);
    expect(await refused("x.json", JSON.stringify({ format: "workers-ai-chat/conversations", version: 9, conversations: [] }))).toMatch(
      /version 9 is not one this app reads/,
    );
    const { zipSync, strToU8 } = await import("fflate");
    expect(await refused("x.zip", zipSync({ "notes.txt": strToU8("hi") }))).toMatch(/holds no conversations\.json/);
  });
});

describe("POST /api/import/batch", () => {
  it("imports a 212-conversation ChatGPT zip batch by batch, skips what cannot be imported with its reason, and adds nothing the second time", async () => {
    const client = new TestClient();
    const file = await readImportFile(
      "export.zip",
      streamOf(chatGptZip({ conversations: 210, photoBytes: 1000, empty: 1, imagesOnly: 1 })),
    );

    const first = await importAll(client, file);
    const imported = first.items.filter((i) => !i.skipped);
    expect(imported).toHaveLength(210);
    expect(first.items.filter((i) => i.skipped)).toEqual([
      { index: 210, title: "Empty 1", skipped: "empty", reason: "It has no messages." },
      {
        index: 211,
        title: "Only a photo 1",
        skipped: "no_text",
        reason: "It has no text messages (only images, files, tools or system messages).",
      },
    ]);
    expect((await storeOf(client).conversationIds()).length).toBe(210);
    const one = (await (await client.fetch(`/api/conversations/${imported[41].id}`)).json()) as ConversationDetail;
    expect(one.conversation.title).toBe(chatGptTitle(41));
    expect(one.messages.map((m) => (m.parts[0] as { text: string }).text)).toEqual(["Question number 42?", "Answer number 42."]);

    // The same file again: every conversation is found by its ChatGPT id, and nothing is added.
    const second = await importAll(client, file);
    expect(second.items.filter((i) => !i.skipped)).toEqual([]);
    expect(second.items.filter((i) => i.skipped === "already_imported")).toHaveLength(210);
    expect(second.items.find((i) => i.index === 41)?.id).toBe(imported[41].id);
    expect((await storeOf(client).conversationIds()).length).toBe(210);
  });

  it("skips one bad conversation with its reason and imports the rest of the batch", async () => {
    const client = new TestClient();
    const lisbon = structuredClone(CHATGPT_EXPORT[0]) as any;
    const loop = { ...structuredClone(lisbon), id: "loop", title: "Loop" };
    loop.mapping["root-1"].parent = "a2";
    const huge = {
      id: "huge",
      title: "Huge",
      mapping: Object.fromEntries(
        Array.from({ length: 1002 }, (_, i) => [
          `m${i}`,
          {
            parent: i ? `m${i - 1}` : null,
            children: [],
            message: { id: `m${i}`, author: { role: i % 2 ? "assistant" : "user" }, content: { content_type: "text", parts: [`x${i}`] } },
          },
        ]),
      ),
    };
    const { status, body } = await sendBatch(
      client,
      JSON.stringify({ source: "chatgpt", conversations: [lisbon, loop, huge, { title: "No mapping" }, CHATGPT_EXPORT[1]] }),
    );
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.title, r.skipped ?? "imported"])).toEqual([
      ["Trip to Lisbon", "imported"],
      ["Loop", "invalid"],
      ["Huge", "too_large"],
      ["No mapping", "invalid"],
      ["Imported conversation", "imported"],
    ]);
    expect(body.results[1].reason).toBe("It has a loop in its message tree.");
    expect(body.results[2].reason).toBe("It has 1002 messages; a conversation may have at most 1000.");
    expect(body.results[3].reason).toMatch(/^It cannot be read: mapping: /);
    expect(body.messagesSkipped).toBe(1);
    expect((await conversations(client)).map((c) => c.title).sort()).toEqual(["Imported conversation", "Trip to Lisbon"]);
  });

  it("skips what does not fit the person's storage and says so, keeping what did", async () => {
    const client = new TestClient();
    const small = (id: string, text: string) => ({
      conversation: { id, title: id },
      messages: [userMessage(text, `${id}-m`)],
    });
    expect((await sendBatch(client, JSON.stringify({ source: "workers-ai-chat", conversations: [small("first-one", "hi")] }))).status).toBe(
      200,
    );
    const limit = quotaLimits(env).storageBytes;
    await runInDurableObject(storeOf(client), (_store, state) => {
      state.storage.sql.exec(`UPDATE storage_usage SET bytes = ? WHERE only = 1`, limit - 2_000);
    });
    const { body } = await sendBatch(
      client,
      JSON.stringify({
        source: "workers-ai-chat",
        version: 2,
        conversations: [small("too-big", "x".repeat(5_000)), small("fits", "small")],
      }),
    );
    expect(body.results.map((r) => [r.title, r.skipped ?? "imported"])).toEqual([
      ["too-big", "over_quota"],
      ["fits", "imported"],
    ]);
    expect(body.results[0].reason).toMatch(
      /^Your conversations, documents, photos, images and shared links take .* Delete what you no longer need/,
    );
  });

  it("refuses a batch over its caps whole, before writing anything", async () => {
    const client = new TestClient();
    const one = { conversation: { title: "one" }, messages: [userMessage("hi")] };
    const tooMany = await sendBatch(
      client,
      JSON.stringify({ source: "workers-ai-chat", conversations: Array.from({ length: 26 }, () => one) }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.message).toMatch(/conversations: holds more than 25 conversations/);

    const tooLarge = await sendBatch(
      client,
      JSON.stringify({ source: "workers-ai-chat", conversations: [one], padding: "x".repeat(10_000_001) }),
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error?.message).toMatch(/at most 10 MB/);

    const manyMessages = Array.from({ length: 6 }, (_, c) => ({
      conversation: { title: `c${c}` },
      messages: Array.from({ length: 1000 }, (_, i) => userMessage("x", `m${i}`)),
    }));
    const tooLong = await sendBatch(client, JSON.stringify({ source: "workers-ai-chat", conversations: manyMessages }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toMatch(/6000 messages; one request takes at most 5000/);

    const unknown = await sendBatch(client, JSON.stringify({ source: "claude", conversations: [one] }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe("import_invalid");
    expect(await conversations(client)).toEqual([]);
  });
});

describe("this app's archive", () => {
  it("imports back: every conversation with its branches, titles, settings and the branch on screen", async () => {
    const source = new TestClient();
    // A chat with settings, and ChatGPT's branched conversation (two versions of an answer and of a question).
    const id = newConversationId();
    await readUiStream(
      await source.chat({
        id,
        model: "@cf/qwen/qwen3-30b-a3b-fp8",
        temperature: 0.3,
        system: "Be brief.",
        messages: [userMessage("Hello there")],
      }),
    );
    await source.fetch("/api/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(CHATGPT_EXPORT),
    });
    const lisbon = (await conversations(source)).find((c) => c.title === "Trip to Lisbon")!;
    await source.json(`/api/conversations/${lisbon.id}/branch`, "POST", { messageId: "u2-edit" });
    const before = await trees(source);
    expect(before).toHaveLength(3);

    const archive = new Uint8Array(await (await source.fetch("/api/export")).arrayBuffer());
    const file = await readImportFile("workers-ai-chat.zip", streamOf(archive));
    expect(file).toMatchObject({ source: "workers-ai-chat", version: 2, from: "conversations.json" });
    expect(describeIgnored(file)).toMatch(
      // Other features' folders (projects/, memory/, assistants/) follow vision/ in the list, in the archive's order.
      /Not imported: manifest\.json, 3 files in conversations\/, 1 file in images\/,? (and )?1 file in vision\/.*\. Images and vision threads are not imported/,
    );

    const target = new TestClient();
    const { items } = await importAll(target, file);
    expect(items.every((i) => !i.skipped)).toBe(true);
    expect(await trees(target)).toEqual(before);

    // Again: nothing added.
    const again = await importAll(target, file);
    expect(again.items.map((i) => i.skipped)).toEqual(["already_imported", "already_imported", "already_imported"]);
    expect(await conversations(target)).toHaveLength(3);
  });
});

/** Every conversation as its JSON export, without what differs by place and time (id, dates). */
async function trees(client: TestClient) {
  const all = [];
  for (const { id } of await conversations(client)) {
    const file = (await (await client.fetch(`/api/conversations/${id}/export?format=json`)).json()) as ConversationExport;
    all.push({
      title: file.conversation.title,
      settings: file.conversation.settings,
      messages: file.messages,
      activeLeafId: file.activeLeafId,
    });
  }
  return all.sort((a, b) => a.title.localeCompare(b.title));
}
