import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ASSISTANT_LIMITS, BUILTIN_ASSISTANTS, type Assistant, type AssistantList } from "../../../contract/assistants";
import { findBuiltinTool } from "../../../contract/builtin-tools";
import { findChatModel } from "../../../contract/models";
import { newConversationId, readUiStream, TestClient, userMessage } from "../../test/client";
import { legacyChunks, recordedRun, sseStream } from "../../test/recorded-ai";
import { fakeEmbeddingAnswer } from "../../test/recorded-embeddings";
import { storeOf } from "../../test/store-of";
import { quotaLimits } from "../storage/quotas";

afterEach(() => vi.restoreAllMocks());

// TEST DOUBLE: Workers AI answers every chat with a fixed stream and every embedding with fake vectors.
function useAi() {
  const fake = recordedRun((call) => fakeEmbeddingAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["Done."])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

const EDITOR = {
  name: "Release notes",
  description: "Short, plain release notes.",
  model: "@cf/zai-org/glm-4.7-flash",
  instructions: "Write release notes in plain words.",
  temperature: 0.2,
  tools: ["calculate"],
  documentIds: [],
};

async function errorOf(response: Response) {
  return { status: response.status, ...((await response.json()) as { error: { code: string; message: string } }).error };
}

async function create(client: TestClient, body: Record<string, unknown> = EDITOR): Promise<Assistant> {
  const response = await client.json("/api/assistants", "POST", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Assistant;
}

async function list(client: TestClient): Promise<AssistantList> {
  return (await (await client.fetch("/api/assistants")).json()) as AssistantList;
}

async function used(client: TestClient): Promise<number> {
  return (await storeOf(client).storageUsage()).used;
}

describe("assistants: built-ins", () => {
  it("ships a writing editor, a code reviewer and a translator, each on a catalog model with built-in tools only", async () => {
    const client = new TestClient();
    const { builtin, own } = await list(client);
    expect(builtin.map((a) => a.name)).toEqual(["Writing editor", "Code reviewer", "Translator"]);
    expect(own).toEqual([]);
    for (const assistant of BUILTIN_ASSISTANTS) {
      expect(findChatModel(assistant.model), assistant.name).toBeDefined();
      for (const tool of assistant.tools ?? []) expect(findBuiltinTool(tool), tool).toBeDefined();
      expect(assistant.instructions.length).toBeLessThanOrEqual(ASSISTANT_LIMITS.instructionsChars);
    }
  });

  it("refuses to change or delete a built-in (edit a copy instead), and serves it by id", async () => {
    const client = new TestClient();
    const put = await client.json("/api/assistants/builtin-translator", "PUT", EDITOR);
    expect(await errorOf(put)).toMatchObject({ status: 409, code: "builtin_assistant" });
    const del = await client.fetch("/api/assistants/builtin-translator", { method: "DELETE" });
    expect(await errorOf(del)).toMatchObject({ status: 409, code: "builtin_assistant" });
    const got = await client.fetch("/api/assistants/builtin-translator");
    expect(await got.json()).toMatchObject({ id: "builtin-translator", builtin: true, name: "Translator" });
  });
});

describe("assistants: the person's own", () => {
  it("creates, reads, lists, edits and deletes one", async () => {
    const client = new TestClient();
    const made = await create(client);
    expect(made).toMatchObject({ ...EDITOR, builtin: false });
    expect((await list(client)).own.map((a) => a.id)).toEqual([made.id]);
    expect(await (await client.fetch(`/api/assistants/${made.id}`)).json()).toEqual(made);

    const edited = await client.json(`/api/assistants/${made.id}`, "PUT", {
      ...EDITOR,
      name: "Changelog",
      temperature: 1.1,
      tools: undefined,
    });
    expect(edited.status).toBe(200);
    const after = (await edited.json()) as Assistant;
    expect(after).toMatchObject({ id: made.id, name: "Changelog", temperature: 1.1, createdAt: made.createdAt });
    expect(after.tools).toBeUndefined();
    expect((await list(client)).own).toEqual([after]);

    expect((await client.fetch(`/api/assistants/${made.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await list(client)).own).toEqual([]);
    expect(await errorOf(await client.fetch(`/api/assistants/${made.id}`))).toMatchObject({ status: 404, code: "not_found" });
    expect(await errorOf(await client.fetch(`/api/assistants/${made.id}`, { method: "DELETE" }))).toMatchObject({ status: 404 });
  });

  it("keeps each person's assistants to themselves", async () => {
    const owner = new TestClient();
    const stranger = new TestClient();
    const made = await create(owner);
    expect((await list(stranger)).own).toEqual([]);
    expect((await stranger.fetch(`/api/assistants/${made.id}`)).status).toBe(404);
    expect((await stranger.json(`/api/assistants/${made.id}`, "PUT", EDITOR)).status).toBe(404);
    expect((await stranger.fetch(`/api/assistants/${made.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await stranger.fetch(`/api/assistants/${made.id}/conversations`)).status).toBe(404);
    expect((await list(owner)).own.map((a) => a.id)).toEqual([made.id]);
  });
});

describe("assistants: validation and limits", () => {
  it.each([
    ["an unknown model", { model: "@cf/acme/made-up" }, 400, "unknown_model", /made-up" is not a chat model/],
    ["a tool that is neither built-in nor a connector's", { tools: ["mcp_abcdef_nothing"] }, 400, "bad_request", /mcp_abcdef_nothing/],
    ["a document not in the library", { documentIds: ["AAAAAAAAAAAAAAAAAAAAAA"] }, 400, "bad_request", /not in your library/],
    ["instructions past 8,000 characters", { instructions: "x".repeat(8001) }, 400, "bad_request", /instructions/],
    ["an empty name", { name: "  " }, 400, "bad_request", /name: needs a name/],
    ["a temperature past 2", { temperature: 2.5 }, 400, "bad_request", /temperature/],
  ])("refuses %s with a sentence naming it", async (_, change, status, code, message) => {
    const client = new TestClient();
    const response = await client.json("/api/assistants", "POST", { ...EDITOR, ...change });
    const error = await errorOf(response);
    expect(error).toMatchObject({ status, code });
    expect(error.message).toMatch(message);
    expect((await list(client)).own).toEqual([]);
  });

  it("takes a document from the person's library", async () => {
    useAi();
    const client = new TestClient();
    const form = new FormData();
    form.append("file", new File(["The lighthouse keeper logs every storm."], "log.txt"));
    const uploaded = (await (await client.fetch("/api/documents", { method: "POST", body: form })).json()) as { id: string };
    // Embedding runs after the upload answers: wait for it while the fake model is still in place.
    for (let i = 0; i < 100; i++) {
      const { status } = (await (await client.fetch(`/api/documents/${uploaded.id}`)).json()) as { status: string };
      if (status !== "embedding") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const made = await create(client, { ...EDITOR, documentIds: [uploaded.id] });
    expect(made.documentIds).toEqual([uploaded.id]);
  });

  it(`keeps at most ${ASSISTANT_LIMITS.maxAssistants}, and says so`, async () => {
    const client = new TestClient();
    for (let i = 0; i < ASSISTANT_LIMITS.maxAssistants; i++) await create(client, { ...EDITOR, name: `Assistant ${i}` });
    const refused = await client.json("/api/assistants", "POST", EDITOR);
    expect(await errorOf(refused)).toEqual({
      status: 409,
      code: "too_many_assistants",
      message: "You have 50 assistants, the most one person may keep. Delete one to make another.",
    });
    expect((await list(client)).own).toHaveLength(ASSISTANT_LIMITS.maxAssistants);
  });

  it("counts assistants in the byte budget and refuses one past it", async () => {
    const client = new TestClient();
    await client.startGuest();
    const before = await used(client);
    const made = await create(client);
    const added = (await used(client)) - before;
    expect(added).toBe(new TextEncoder().encode(JSON.stringify(made)).byteLength);
    expect((await client.fetch(`/api/assistants/${made.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await used(client)).toBe(before);

    const limit = quotaLimits(env).storageBytes;
    await runInDurableObject(storeOf(client), (_store, state) => {
      state.storage.sql.exec(`UPDATE storage_usage SET bytes = ? WHERE only = 1`, limit - 10);
    });
    const refused = await client.json("/api/assistants", "POST", EDITOR);
    expect(await errorOf(refused)).toMatchObject({ status: 413, code: "storage_full" });
    expect((await list(client)).own).toEqual([]);
  });
});

describe("assistants: their chats", () => {
  it("lists the chats whose settings carry the assistant's id, newest first, and no others", async () => {
    const fake = useAi();
    const client = new TestClient();
    const made = await create(client);
    const first = newConversationId();
    const second = newConversationId();
    const other = newConversationId();
    const settings = { model: made.model, system: made.instructions, temperature: made.temperature, assistantId: made.id };
    await readUiStream(await client.chat({ id: first, messages: [userMessage("Notes for 1.0")], ...settings }));
    await readUiStream(await client.chat({ id: other, messages: [userMessage("Unrelated")] }));
    await readUiStream(await client.chat({ id: second, messages: [userMessage("Notes for 1.1")], ...settings }));
    // The assistant's instructions and temperature reached the model.
    expect(fake.calls[0].inputs).toMatchObject({
      temperature: 0.2,
      messages: [{ role: "system", content: EDITOR.instructions }, { role: "user" }],
    });

    const response = await client.fetch(`/api/assistants/${made.id}/conversations`);
    const { conversations } = (await response.json()) as { conversations: { id: string; settings: { assistantId?: string } }[] };
    expect(conversations.map((c) => c.id)).toEqual([second, first]);
    // A settings change from the chat page keeps the tag (the server merges settings).
    await client.json(`/api/conversations/${first}`, "PATCH", { settings: { temperature: 0.9 } });
    const again = (await (await client.fetch(`/api/assistants/${made.id}/conversations`)).json()) as { conversations: { id: string }[] };
    expect(again.conversations.map((c) => c.id).sort()).toEqual([first, second].sort());
    expect(await (await client.fetch("/api/assistants/builtin-translator/conversations")).json()).toEqual({ conversations: [] });
  });
});

describe("assistants: the all-data archive", () => {
  it("carries the person's own assistants (not the built-ins), and nobody else's", async () => {
    const client = new TestClient();
    const made = await create(client);
    const files = unzipSync(new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer()));
    expect(JSON.parse(strFromU8(files["assistants/assistants.json"]!))).toEqual([made]);
    expect(JSON.parse(strFromU8(files["manifest.json"]!)).counts.assistants).toBe(1);
    const other = unzipSync(new Uint8Array(await (await new TestClient().fetch("/api/export")).arrayBuffer()));
    expect(JSON.parse(strFromU8(other["assistants/assistants.json"]!))).toEqual([]);
  });
});
