import { env } from "cloudflare:workers";
import { unzipSync, strFromU8 } from "fflate";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import type { ConversationExport, ConversationsBundle, ImportResult } from "../../contract/transfer";
import { CHATGPT_EXPORT } from "../test/chatgpt-export";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { JPEG, JPEG_BASE64 } from "../test/recorded-images";

const SCHNELL = "@cf/black-forest-labs/flux-1-schnell";

beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(
    recordedRun((call) =>
      call.model === SCHNELL
        ? { image: JPEG_BASE64 }
        : sseStream(legacyChunks(["An **answer**", " in parts."], { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })),
    ).run as never,
  );
});
afterEach(() => vi.restoreAllMocks());

async function conversationWithTwoTurns(client: TestClient, title: string) {
  const id = newConversationId();
  await readUiStream(await client.chat({ id, model: "@cf/qwen/qwen3-30b-a3b-fp8", temperature: 0.3, messages: [userMessage(title)] }));
  const first = await detail(client, id);
  await readUiStream(await client.chat({ id, messages: [...first.messages, userMessage("And a second question?")] }));
  return id;
}

async function detail(client: TestClient, id: string): Promise<ConversationDetail> {
  return (await (await client.fetch(`/api/conversations/${id}`)).json()) as ConversationDetail;
}

async function importText(client: TestClient, text: string) {
  const response = await client.fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: text });
  return { status: response.status, body: (await response.json()) as ImportResult & { error?: { code: string; message: string } } };
}

async function conversationCount(client: TestClient): Promise<number> {
  return ((await (await client.fetch("/api/conversations")).json()) as { conversations: unknown[] }).conversations.length;
}

describe("export", () => {
  it("downloads a conversation as versioned JSON with every message's metadata, and as Markdown", async () => {
    const client = new TestClient();
    const id = await conversationWithTwoTurns(client, "Export me please");

    const json = await client.fetch(`/api/conversations/${id}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toBe('attachment; filename="export-me-please.json"');
    const file = (await json.json()) as ConversationExport;
    expect(file).toMatchObject({
      format: "workers-ai-chat/conversation",
      version: 2,
      conversation: { id, title: "Export me please", settings: { model: "@cf/qwen/qwen3-30b-a3b-fp8", temperature: 0.3 } },
    });
    expect(file.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(file.messages[1].metadata).toMatchObject({
      model: "@cf/qwen/qwen3-30b-a3b-fp8",
      status: "complete",
      usage: { inputTokens: 7, outputTokens: 3 },
    });
    // One branch here: each message follows the one before it, and the last is the leaf on screen.
    expect(file.messages.map((m) => m.parentId)).toEqual([null, ...file.messages.slice(0, -1).map((m) => m.id)]);
    expect(file.activeLeafId).toBe(file.messages[3].id);
    expect(file.messages.map(({ parentId: _, ...m }) => m)).toEqual((await detail(client, id)).messages);

    const md = await client.fetch(`/api/conversations/${id}/export?format=markdown`);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    const text = await md.text();
    expect(text).toContain("# Export me please");
    expect(text).toContain("## Assistant · Qwen3 30B A3B\n\nAn **answer** in parts.");
    expect(text).toContain("## You\n\nAnd a second question?");

    expect((await client.fetch(`/api/conversations/${id}/export?format=pdf`)).status).toBe(400);
    expect((await new TestClient().fetch(`/api/conversations/${id}/export`)).status).toBe(404);
  });

  it("streams everything as one zip: conversations (importable and readable), images with their bytes, vision threads", async () => {
    const client = new TestClient();
    const id = await conversationWithTwoTurns(client, "Archived chat");
    const made = await client.json("/api/images", "POST", { model: SCHNELL, prompt: "a red kite" });
    const image = ((await made.json()) as any).results[0].image;

    const response = await client.fetch("/api/export");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="workers-ai-chat-\d{4}-\d\d-\d\d\.zip"$/);
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));

    const manifest = JSON.parse(strFromU8(files["manifest.json"]!));
    expect(manifest.counts).toEqual({
      conversations: 1,
      images: 1,
      visionThreads: 0,
      projects: 0,
      memories: 0,
      assistants: 0,
      mediaFiles: 1,
    });
    const bundle = JSON.parse(strFromU8(files["conversations.json"]!)) as ConversationsBundle;
    expect(bundle.format).toBe("workers-ai-chat/conversations");
    expect(bundle.conversations[0].messages.map(({ parentId: _, ...m }) => m)).toEqual((await detail(client, id)).messages);
    expect(strFromU8(files[`conversations/archived-chat-${id}.md`]!)).toContain("# Archived chat");
    const records = JSON.parse(strFromU8(files["images/images.json"]!));
    expect(records[0]).toMatchObject({ id: image.id, prompt: "a red kite", file: `images/${image.id}.jpg` });
    expect(files[`images/${image.id}.jpg`]).toEqual(JPEG);
    expect(JSON.parse(strFromU8(files["vision/threads.json"]!))).toEqual([]);

    // Another person's archive holds none of it.
    const other = unzipSync(new Uint8Array(await (await new TestClient().fetch("/api/export")).arrayBuffer()));
    expect(JSON.parse(strFromU8(other["manifest.json"]!)).counts).toEqual({
      conversations: 0,
      images: 0,
      visionThreads: 0,
      projects: 0,
      memories: 0,
      assistants: 0,
      mediaFiles: 0,
    });
  });
});

describe("import", () => {
  it("imports what it exports and gets the same conversation back, as a new one", async () => {
    const client = new TestClient();
    const id = await conversationWithTwoTurns(client, "Round trip");
    const exported = await (await client.fetch(`/api/conversations/${id}/export?format=json`)).text();
    const usageBefore = ((await (await client.fetch("/api/status")).json()) as any).budget.used;

    const imported = await importText(client, exported);
    expect(imported.status).toBe(201);
    expect(imported.body.conversations).toHaveLength(1);
    expect(imported.body.summary).toBe("Imported 1 conversation.");
    const copy = imported.body.conversations[0]!;
    expect(copy.id).not.toBe(id);

    const original = JSON.parse(exported) as ConversationExport;
    const again = (await (await client.fetch(`/api/conversations/${copy.id}/export?format=json`)).json()) as ConversationExport;
    expect(again.conversation).toMatchObject({ title: original.conversation.title, settings: original.conversation.settings });
    // The same messages, ids, order and metadata (what each answer cost included), and no budget spent.
    expect(again.messages).toEqual(original.messages);
    expect(((await (await client.fetch("/api/status")).json()) as any).budget.used).toBe(usageBefore);
    // Nothing is left being answered: the conversation has no running answer to rejoin.
    expect((await client.fetch(`/api/chat/${copy.id}/stream`)).status).toBe(204);

    // The archive's bundle imports too, every conversation in it.
    const files = unzipSync(new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer()));
    const bundle = await importText(client, strFromU8(files["conversations.json"]!));
    expect(bundle.status).toBe(201);
    expect(bundle.body.conversations.map((c) => c.title).sort()).toEqual(["Round trip", "Round trip"]);
    expect(await conversationCount(client)).toBe(4);
  });

  it("imports ChatGPT's conversations.json: every version as a branch, the branch on screen as it was", async () => {
    const client = new TestClient();
    const { status, body } = await importText(client, JSON.stringify(CHATGPT_EXPORT));
    expect(status).toBe(201);
    expect(body.conversations.map((c) => c.title)).toEqual(["Trip to Lisbon", "Imported conversation"]);
    // Nothing is skipped for being another version: the tree comes in whole.
    expect(body.alternativesSkipped).toBe(0);
    // The tool message; the hidden system message does not count.
    expect(body.messagesSkipped).toBe(1);
    expect(body.summary).toBe("Imported 2 conversations. 1 message without text (tools, images, system) was left out.");

    const lisbon = await detail(client, body.conversations[0]!.id);
    expect(lisbon.conversation.title).toBe("Trip to Lisbon");
    expect(lisbon.messages.map((m) => [m.role, (m.parts[0] as { text: string }).text])).toEqual([
      ["user", "Plan three days in Lisbon"],
      ["assistant", "Day 1: Alfama and the castle."],
      ["user", "Add a day trip"],
      ["assistant", "Sintra is a good day trip."],
    ]);
    expect(lisbon.messages[1]!.metadata).toEqual({ createdAt: 1_700_000_000_250, servedBy: "ChatGPT · gpt-4o", status: "complete" });
    expect(lisbon.messages[3]!.metadata?.servedBy).toBe("ChatGPT · gpt-4o-mini");
    // The regenerated answer and the edited question are versions beside those on screen.
    expect(lisbon.siblings).toEqual({ a1: ["a1", "a1b"], u2: ["u2", "u2-edit"] });
    const other = (await (
      await client.json(`/api/conversations/${lisbon.conversation.id}/branch`, "POST", { messageId: "u2-edit" })
    ).json()) as ConversationDetail;
    expect(other.messages.map((m) => (m.parts[0] as { text: string }).text)).toEqual([
      "Plan three days in Lisbon",
      "Day 1: Alfama and the castle.",
      "Add two day trips",
    ]);

    const second = await detail(client, body.conversations[1]!.id);
    expect(second.messages.map((m) => (m.parts[0] as { text: string }).text)).toEqual(["What is 2 + 2?", "4"]);
  });

  describe("refuses malformed and hostile files with a clear error, and imports nothing", () => {
    const valid = () => ({
      format: "workers-ai-chat/conversation",
      version: 1,
      conversation: { title: "ok" },
      messages: [userMessage("hi")],
    });
    const lisbon = () => structuredClone(CHATGPT_EXPORT[0]) as any;
    const cases: [string, () => string, string, RegExp][] = [
      ["not JSON", () => "{ nope", "import_invalid", /not valid JSON/],
      ["neither format", () => JSON.stringify({ hello: "world" }), "import_invalid", /neither a JSON export of this app nor ChatGPT/],
      ["an unknown format", () => JSON.stringify({ ...valid(), format: "someone-else/v9" }), "import_invalid", /format “someone-else\/v9”/],
      ["a newer version", () => JSON.stringify({ ...valid(), version: 3 }), "import_invalid", /version: is not a version this app reads/],
      ["messages of the wrong type", () => JSON.stringify({ ...valid(), messages: "hi" }), "import_invalid", /messages:/],
      [
        "a part of an unknown type",
        () => JSON.stringify({ ...valid(), messages: [{ id: "m1", role: "user", parts: [{ type: "tool-call", text: "x" }] }] }),
        "import_invalid",
        /messages\.0\.parts\.0/,
      ],
      [
        "an object where the page renders text",
        () => JSON.stringify({ ...valid(), messages: [{ ...userMessage("hi"), metadata: { error: { html: "<b>" } } }] }),
        "import_invalid",
        /metadata\.error/,
      ],
      [
        "a message id used twice",
        () => JSON.stringify({ ...valid(), messages: [userMessage("a", "same"), userMessage("b", "same")] }),
        "import_invalid",
        /message id twice/,
      ],
      ["nesting 100 levels deep", () => `${"[".repeat(100)}${"]".repeat(100)}`, "import_invalid", /nested more than 64 levels/],
      [
        "a tree with a loop",
        () =>
          JSON.stringify([{ ...lisbon(), mapping: { ...lisbon().mapping, "root-1": { ...lisbon().mapping["root-1"], parent: "a2" } } }]),
        "import_invalid",
        /loop/,
      ],
      [
        "a parent missing from the tree",
        () => JSON.stringify([{ ...lisbon(), current_node: "nowhere" }]),
        "import_invalid",
        /“nowhere” that is not in the file/,
      ],
      [
        "a tree too large",
        () =>
          JSON.stringify([
            {
              ...lisbon(),
              mapping: Object.fromEntries(
                Array.from({ length: 20_001 }, (_, i) => [`n${i}`, { parent: null, children: [], message: null }]),
              ),
            },
          ]),
        "import_invalid",
        /20001 nodes/,
      ],
      ["a mapping of the wrong type", () => JSON.stringify([{ ...lisbon(), mapping: ["x"] }]), "import_invalid", /mapping/],
      [
        "too many messages in all",
        () =>
          JSON.stringify({
            format: "workers-ai-chat/conversations",
            version: 1,
            conversations: Array.from({ length: 6 }, (_, c) => ({
              conversation: { title: `c${c}` },
              messages: Array.from({ length: 1000 }, (_, i) => userMessage("x", `m${i}`)),
            })),
          }),
        "import_invalid",
        /6000 messages; one import takes at most 5000/,
      ],
      ["an empty ChatGPT export", () => "[]", "import_invalid", /neither/],
      ["a file over 20 MB", () => JSON.stringify({ ...valid(), padding: "x".repeat(20_000_001) }), "too_large", /at most 20 MB/],
    ];
    for (const [name, file, code, message] of cases) {
      it(name, async () => {
        const client = new TestClient();
        await conversationWithTwoTurns(client, "already here");
        const { status, body } = await importText(client, file());
        expect(status).toBe(code === "too_large" ? 413 : 400);
        expect(body.error?.code).toBe(code);
        expect(body.error?.message).toMatch(message);
        expect(await conversationCount(client)).toBe(1);
      });
    }

    it("a bundle whose last conversation is bad imports none of the good ones", async () => {
      const client = new TestClient();
      const good = { conversation: { title: "good" }, messages: [userMessage("fine")] };
      const bad = { conversation: { title: "bad" }, messages: [{ id: "x", role: "robot", parts: [] }] };
      const { status, body } = await importText(
        client,
        JSON.stringify({ format: "workers-ai-chat/conversations", version: 1, conversations: [good, good, bad] }),
      );
      expect(status).toBe(400);
      expect(body.error?.message).toMatch(/conversations\.2\.messages\.0\.role/);
      expect(body.error?.message).toMatch(/Nothing was imported\.$/);
      expect(await conversationCount(client)).toBe(0);
    });
  });
});
