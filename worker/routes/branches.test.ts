/**
 * Conversation branches: regenerate and edit keep the earlier versions, a conversation remembers
 * the branch on screen, and what the model is sent is that branch. Workers AI is a TEST DOUBLE
 * (recorded format) that answers with the next scripted text and records what it was asked.
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import type { ConversationExport, ImportResult } from "../../contract/transfer";
import { MIGRATIONS, migrateLegacy as migrate } from "../store/legacy-schema";
import { ConversationTree } from "../store/conversations/conversation-tree";
import { newConversationId, readUiStream, readUntil, TestClient, userMessage } from "../test/client";
import { heldSseStream, legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

/** Each model call answers with the next of `texts` (or a held stream); calls are recorded. */
function useAi(...answers: (string | ((signal: AbortSignal) => ReadableStream<Uint8Array>))[]) {
  const fake = recordedRun((call) => {
    const next = answers[fake.calls.length - 1];
    return typeof next === "string" ? sseStream(legacyChunks([next])) : next(call.options?.signal as AbortSignal);
  });
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

async function newClient() {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

async function detail(client: TestClient, id: string): Promise<ConversationDetail> {
  const response = await client.fetch(`/api/conversations/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ConversationDetail;
}

async function switchTo(client: TestClient, id: string, messageId: string): Promise<ConversationDetail> {
  const response = await client.json(`/api/conversations/${id}/branch`, "POST", { messageId });
  expect(response.status).toBe(200);
  return (await response.json()) as ConversationDetail;
}

const texts = (d: ConversationDetail) => d.messages.map((m) => m.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join(""));
/** What the model was asked in call `n`: role and text of each message. */
const asked = (fake: ReturnType<typeof useAi>, n: number) =>
  (fake.calls[n].inputs.messages as { role: string; content: string }[]).map((m) => `${m.role}: ${m.content}`);

describe("conversation branches", () => {
  it("regenerate, edit, switch and send on a branch; a reload shows the branch last on screen; the model is sent that branch", async () => {
    const fake = useAi("A", "B", "C", "D");
    const client = await newClient();
    const id = newConversationId();
    const q1 = userMessage("Pick a letter");
    await readUiStream(await client.chat({ id, messages: [q1] }));
    const [, a1] = (await detail(client, id)).messages;

    // Regenerate: a second answer beside the first, shown now.
    await readUiStream(await client.chat({ id, messages: [q1], trigger: "regenerate-message", messageId: a1.id }));
    let now = await detail(client, id);
    expect(texts(now)).toEqual(["Pick a letter", "B"]);
    const a1b = now.messages[1];
    expect(now.siblings).toEqual({ [a1b.id]: [a1.id, a1b.id] });

    // Switch back to the first answer; a reload shows it too.
    expect(texts(await switchTo(client, id, a1.id))).toEqual(["Pick a letter", "A"]);
    expect(texts(await detail(client, id))).toEqual(["Pick a letter", "A"]);

    // Send on that branch: the question follows the first answer, and the model sees that branch.
    const q2 = userMessage("Another");
    await readUiStream(await client.chat({ id, messages: [q1, a1, q2] }));
    expect(asked(fake, 2)).toEqual(["user: Pick a letter", "assistant: A", "user: Another"]);
    now = await detail(client, id);
    expect(texts(now)).toEqual(["Pick a letter", "A", "Another", "C"]);
    expect(now.siblings).toEqual({ [a1.id]: [a1.id, a1b.id] });

    // Edit the second question: a new version beside it, answered on its own branch.
    const q2b = userMessage("Another, edited");
    await readUiStream(await client.chat({ id, messages: [q1, a1, q2b] }));
    now = await detail(client, id);
    expect(texts(now)).toEqual(["Pick a letter", "A", "Another, edited", "D"]);
    expect(now.siblings).toEqual({ [a1.id]: [a1.id, a1b.id], [q2b.id]: [q2.id, q2b.id] });

    // Switching to a version shows the branch last on screen below it, not simply the newest.
    expect(texts(await switchTo(client, id, q2.id))).toEqual(["Pick a letter", "A", "Another", "C"]);
    expect(texts(await switchTo(client, id, a1b.id))).toEqual(["Pick a letter", "B"]);
    expect(texts(await switchTo(client, id, a1.id))).toEqual(["Pick a letter", "A", "Another", "C"]);
    expect(texts(await detail(client, id))).toEqual(["Pick a letter", "A", "Another", "C"]);
    // Markdown shows the branch on screen.
    const markdown = await (await client.fetch(`/api/conversations/${id}/export?format=markdown`)).text();
    expect(markdown).toContain("Another\n");
    expect(markdown).not.toContain("Another, edited");
    // So does a share link, read by a stranger with no cookie.
    const { share } = (await (await client.fetch(`/api/conversations/${id}/share`, { method: "POST" })).json()) as {
      share: { token: string };
    };
    const snapshot = (await (await exports.default.fetch(new Request(`http://app.test/api/shared/${share.token}`))).json()) as {
      messages: { text: string }[];
    };
    expect(snapshot.messages.map((m) => m.text)).toEqual(["Pick a letter", "A", "Another", "C"]);
  });

  it("refuses a path that is not one of the stored tree (409), and spends and saves nothing for it", async () => {
    const fake = useAi("A", "B");
    const client = await newClient();
    const id = newConversationId();
    const q1 = userMessage("First");
    await readUiStream(await client.chat({ id, messages: [q1] }));
    const [, a1] = (await detail(client, id)).messages;
    const q2 = userMessage("Second");
    await readUiStream(await client.chat({ id, messages: [q1, a1, q2] }));
    const before = await detail(client, id);

    const forged = [
      // A stored message skipped: the second question does not follow the first.
      [q1, userMessage("Third", q2.id)],
      // Stored messages out of order.
      [a1, q1, userMessage("x")],
      // A stored answer rewritten by the client is not a message of this tree either.
      [userMessage("Someone else's words", q1.id)],
    ];
    for (const messages of forged) {
      const response = await client.chat({ id, messages });
      expect(response.status).toBe(409);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("branch_conflict");
      expect(body.error.message).toMatch(/reload/i);
    }
    expect(fake.calls).toHaveLength(2);
    expect(await detail(client, id)).toEqual(before);

    // Switching to a message that is not there, or in someone else's conversation, is not found.
    expect((await client.json(`/api/conversations/${id}/branch`, "POST", { messageId: "nope" })).status).toBe(404);
    expect((await client.json(`/api/conversations/${id}/branch`, "POST", {})).status).toBe(400);
    const stranger = await newClient();
    expect((await stranger.json(`/api/conversations/${id}/branch`, "POST", { messageId: a1.id })).status).toBe(404);
    expect(texts(await detail(client, id))).toEqual(texts(before));
  });

  it("an answer still running when the person switches away is saved under its own question, off screen", async () => {
    let upstream!: ReturnType<typeof heldSseStream>;
    useAi("A", (signal) => {
      upstream = heldSseStream(legacyChunks(["Second ", "answer"]), 1, signal);
      return upstream.stream;
    });
    const client = await newClient();
    const id = newConversationId();
    const q1 = userMessage("Question");
    await readUiStream(await client.chat({ id, messages: [q1] }));
    const [, a1] = (await detail(client, id)).messages;

    const { reader } = await readUntil(
      await client.chat({ id, messages: [q1], trigger: "regenerate-message", messageId: a1.id }),
      "Second ",
    );
    // Meanwhile the person goes back to the first answer.
    expect(texts(await switchTo(client, id, a1.id))).toEqual(["Question", "A"]);
    const store = env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!));
    await runInDurableObject(store, () => upstream.release());
    while (!(await reader.read()).done);

    const now = await detail(client, id);
    expect(texts(now)).toEqual(["Question", "A"]);
    const versions = now.siblings?.[a1.id];
    expect(versions).toHaveLength(2);
    expect(texts(await switchTo(client, id, versions![1]))).toEqual(["Question", "Second answer"]);
  });
});

describe("migration 5", () => {
  it("turns an existing linear conversation into one chain, its last message on screen; a running answer follows it", async () => {
    const stub = env.USER_STORE.get(env.USER_STORE.idFromName(`migrate-${crypto.randomUUID()}`));
    await runInDurableObject(stub, async (_store, state) => {
      // A database as it was before branches: migrations 1 to 4 only.
      await state.storage.deleteAll();
      migrate(state.storage, MIGRATIONS.slice(0, 4));
      const sql = state.storage.sql;
      sql.exec(`INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('old', 'Old', 0, 0), ('empty', 'Empty', 0, 0)`);
      ["q1", "a1", "q2", "a2"].forEach((id, position) =>
        sql.exec(
          `INSERT INTO messages (conversation_id, id, position, body) VALUES ('old', ?, ?, ?)`,
          id,
          position * 10,
          JSON.stringify({ id, role: id.startsWith("q") ? "user" : "assistant", parts: [{ type: "text", text: id }] }),
        ),
      );
      // An answer to the last question was being written across the upgrade.
      sql.exec(`INSERT INTO answer_runs (kind, owner_id, message_id, started_at, prompt_chars) VALUES ('chat', 'old', 'a3', 0, 0)`);

      migrate(state.storage);
      expect(sql.exec(`SELECT parent_id FROM answer_runs WHERE owner_id = 'old'`).one().parent_id).toBe("a2");
      const parents = sql.exec<{ id: string; parent_id: string | null }>(`SELECT id, parent_id FROM messages ORDER BY position`).toArray();
      expect(parents).toEqual([
        { id: "q1", parent_id: null },
        { id: "a1", parent_id: "q1" },
        { id: "q2", parent_id: "a1" },
        { id: "a2", parent_id: "q2" },
      ]);
      expect(sql.exec(`SELECT id, active_leaf FROM conversations ORDER BY id`).toArray()).toEqual([
        { id: "empty", active_leaf: null },
        { id: "old", active_leaf: "a2" },
      ]);
      const view = new ConversationTree(sql).view("old");
      expect(view.messages.map((m) => m.id)).toEqual(["q1", "a1", "q2", "a2"]);
      expect(view.siblings).toEqual({});
    });
  });
});

describe("export and import of branches", () => {
  async function importText(client: TestClient, text: string) {
    const response = await client.fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: text });
    return { status: response.status, body: (await response.json()) as ImportResult & { error?: { code: string; message: string } } };
  }
  const count = async (client: TestClient) =>
    ((await (await client.fetch("/api/conversations")).json()) as { conversations: unknown[] }).conversations.length;

  it("importing what was exported gives the same tree, the same branch on screen", async () => {
    useAi("A", "B", "C");
    const client = await newClient();
    const id = newConversationId();
    const q1 = userMessage("Root question");
    await readUiStream(await client.chat({ id, messages: [q1] }));
    const [, a1] = (await detail(client, id)).messages;
    await readUiStream(await client.chat({ id, messages: [q1], trigger: "regenerate-message", messageId: a1.id }));
    await readUiStream(await client.chat({ id, messages: [q1, a1, userMessage("Follow-up")] }));
    await switchTo(client, id, a1.id);

    const file = (await (await client.fetch(`/api/conversations/${id}/export?format=json`)).json()) as ConversationExport;
    expect(file.version).toBe(2);
    expect(file.messages).toHaveLength(5);
    const imported = await importText(client, JSON.stringify(file));
    expect(imported.status).toBe(201);
    const copyId = imported.body.conversations[0].id;

    const again = (await (await client.fetch(`/api/conversations/${copyId}/export?format=json`)).json()) as ConversationExport;
    expect(again.messages).toEqual(file.messages);
    expect(again.activeLeafId).toBe(file.activeLeafId);
    const [original, copy] = [await detail(client, id), await detail(client, copyId)];
    expect(copy.messages).toEqual(original.messages);
    expect(copy.siblings).toEqual(original.siblings);
  });

  describe("refuses a hostile tree with a clear error, and imports nothing", () => {
    const m = (id: string, parentId: string | null, role = "user") => ({ id, role, parts: [{ type: "text", text: id }], parentId });
    const file = (messages: unknown[], activeLeafId: string | null = null) =>
      JSON.stringify({ format: "workers-ai-chat/conversation", version: 2, conversation: { title: "Hostile" }, messages, activeLeafId });
    const chatGpt = (mapping: Record<string, unknown>, current_node: string | null = null) =>
      JSON.stringify([{ title: "Deep", mapping, current_node }]);
    const node = (parent: string | null, message: unknown = null) => ({ parent, children: [], message });
    const text = (role: string, body: string) => ({ author: { role }, content: { content_type: "text", parts: [body] } });
    const cases: [string, () => string, RegExp][] = [
      [
        "a parent id that is not in the file",
        () => file([m("a", null), m("b", "ghost")]),
        /refers to a message “ghost” that is not in the file/,
      ],
      ["a loop of parents", () => file([m("a", null), m("b", "c"), m("c", "b")]), /loop in its message tree/],
      ["a message that is its own parent", () => file([m("a", "a")]), /loop in its message tree/],
      ["a leaf on screen that is not in the file", () => file([m("a", null)], "elsewhere"), /“elsewhere” that is not in the file/],
      ["a message id used twice", () => file([m("a", null), m("a", null)]), /message id twice/],
      [
        "a ChatGPT tree deeper than a conversation may be long",
        () =>
          chatGpt(
            Object.fromEntries(
              Array.from({ length: 1500 }, (_, i) => [`n${i}`, node(i ? `n${i - 1}` : null, text(i % 2 ? "assistant" : "user", `m${i}`))]),
            ),
          ),
        /has 1500 messages; a conversation may have at most 1000/,
      ],
      [
        "a ChatGPT loop among messages",
        () => chatGpt({ x: node("y", text("user", "x")), y: node("x", text("assistant", "y")) }),
        /loop in its message tree/,
      ],
    ];
    for (const [name, body, message] of cases) {
      it(name, async () => {
        const client = await newClient();
        const { status, body: result } = await importText(client, body());
        expect(status).toBe(400);
        expect(result.error?.code).toBe("import_invalid");
        expect(result.error?.message).toMatch(message);
        expect(result.error?.message).toMatch(/Nothing was imported\.$/);
        expect(await count(client)).toBe(0);
      });
    }

    it("a ChatGPT chain 20,000 nodes deep is walked without running out of stack", async () => {
      const client = await newClient();
      const mapping = Object.fromEntries(Array.from({ length: 19_999 }, (_, i) => [`n${i}`, node(i ? `n${i - 1}` : null)]));
      mapping.last = node("n19998", text("user", "At the bottom"));
      const { status, body } = await importText(client, chatGpt(mapping, "last"));
      expect(status).toBe(201);
      expect(texts(await detail(client, body.conversations[0].id))).toEqual(["At the bottom"]);
    });
  });
});
