import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PROJECT_LIMITS } from "../../contract/projects";
import type { DocumentRecord } from "../../contract/documents";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { fakeEmbeddingAnswer, fakeRerankAnswer } from "../test/recorded-embeddings";
import { legacyChunks, recordedRun, sseStream, type RecordedCall } from "../test/recorded-ai";
import type { UserStoreRpc } from "../store/stub";

// Workers AI is the recorded-format test double: chat turns answer "fine", embeddings and reranks are faked.
let fake: ReturnType<typeof recordedRun>;
beforeEach(() => {
  fake = recordedRun(
    (call) =>
      fakeEmbeddingAnswer(call.model, call.inputs) ?? fakeRerankAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["fine"])),
  );
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
});
afterEach(() => vi.restoreAllMocks());

const chatCalls = () => fake.calls.filter((c) => Array.isArray(c.inputs.messages));
const systemOf = (call: RecordedCall) =>
  (call.inputs.messages as { role: string; content: string }[]).find((m) => m.role === "system")?.content;
const lastUserText = (call: RecordedCall) => {
  const last = (call.inputs.messages as { role: string; content: unknown }[]).filter((m) => m.role === "user").at(-1)!;
  return typeof last.content === "string" ? last.content : (last.content as { text?: string }[]).map((p) => p.text ?? "").join("\n");
};

async function create(client: TestClient, body: Record<string, unknown>) {
  const response = await client.json("/api/projects", "POST", body);
  return { status: response.status, body: (await response.json()) as any };
}

async function send(client: TestClient, id: string, text: string, extra: Record<string, unknown> = {}) {
  await readUiStream(await client.chat({ id, messages: [userMessage(text)], ...extra }));
}

async function list(client: TestClient, path = "/api/conversations") {
  return ((await (await client.fetch(path)).json()) as any).conversations as any[];
}

const storeOf = (client: TestClient) => env.USER_STORE.get(env.USER_STORE.idFromName(client.userId!)) as unknown as UserStoreRpc;

const place = (client: TestClient, id: string, body: Record<string, unknown>) => client.json(`/api/projects/place/${id}`, "PATCH", body);

describe("projects", () => {
  it("creates, lists, renames and edits a project", async () => {
    const client = new TestClient();
    const made = await create(client, { name: "  Garden  ", instructions: "Answer as a gardener." });
    expect(made.status).toBe(201);
    expect(made.body.project).toMatchObject({ name: "Garden", instructions: "Answer as a gardener.", defaults: {}, documentIds: [] });
    const id = made.body.project.id;
    const renamed = await client.json(`/api/projects/${id}`, "PATCH", { name: "Allotment" });
    expect(((await renamed.json()) as any).project).toMatchObject({ name: "Allotment", instructions: "Answer as a gardener." });
    const projects = ((await (await client.fetch("/api/projects")).json()) as any).projects;
    expect(projects.map((p: any) => p.name)).toEqual(["Allotment"]);
  });

  it("refuses what is not valid, with a sentence that says why", async () => {
    const client = new TestClient();
    const empty = await create(client, { name: "   " });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain("A project needs a name.");
    const long = await create(client, { name: "Long", instructions: "x".repeat(PROJECT_LIMITS.instructionsChars + 1) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain("at most 8,000 characters");
    const model = await create(client, { name: "M", defaults: { model: "@cf/acme/nope" } });
    expect(model.status).toBe(400);
    expect(model.body.error.code).toBe("unknown_model");
    const doc = await create(client, { name: "D", documentIds: [newConversationId()] });
    expect(doc.status).toBe(404);
    expect(doc.body.error.message).toContain("documents does not exist");
    const noQuestion = await client.fetch(`/api/projects/${newConversationId()}`, { method: "DELETE" });
    expect(noQuestion.status).toBe(400);
  });

  it(`keeps at most ${PROJECT_LIMITS.maxProjects} projects`, async () => {
    const client = new TestClient();
    expect((await create(client, { name: "P0" })).status).toBe(201);
    // The rest straight into the store: a hundred requests would meet the per-person rate limit first.
    const store = storeOf(client);
    for (let i = 1; i < PROJECT_LIMITS.maxProjects; i++)
      await store.createProject(newConversationId(), { name: `P${i}`, instructions: "", defaults: {}, documentIds: [] });
    const over = await create(client, { name: "One too many" });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: "quota_exceeded" });
    expect(over.body.error.message).toContain("100 projects");
  });

  it("counts a project's text in the byte budget", async () => {
    const client = new TestClient();
    const usage = async () => (await storeOf(client).storageUsage()).used;
    await create(client, { name: "Warm-up" });
    const before = await usage();
    const made = await create(client, { name: "Big", instructions: "y".repeat(5000) });
    expect((await usage()) - before).toBeGreaterThanOrEqual(5000);
    await client.fetch(`/api/projects/${made.body.project.id}?conversations=keep`, { method: "DELETE" });
    expect(await usage()).toBe(before);
  });

  it("is one person's: another person's project and conversations are not found", async () => {
    const owner = new TestClient();
    const stranger = new TestClient();
    const { project } = (await create(owner, { name: "Mine", instructions: "secret" })).body;
    const id = newConversationId();
    await send(owner, id, "hello");
    await create(stranger, { name: "Theirs" });
    expect(((await (await stranger.fetch("/api/projects")).json()) as any).projects.map((p: any) => p.name)).toEqual(["Theirs"]);
    expect((await stranger.json(`/api/projects/${project.id}`, "PATCH", { name: "x" })).status).toBe(404);
    expect((await stranger.fetch(`/api/projects/${project.id}?conversations=delete`, { method: "DELETE" })).status).toBe(404);
    expect((await stranger.fetch(`/api/projects/${project.id}`)).status).toBe(404);
    expect((await stranger.chat({ id: newConversationId(), messages: [userMessage("hi")], projectId: project.id })).status).toBe(404);
    expect((await place(stranger, id, { pinned: true })).status).toBe(404);
    expect((await place(owner, id, { projectId: newConversationId() })).status).toBe(404);
  });
});

describe("conversations in projects", () => {
  it("a new chat in a project starts with its model and tools, and every answer gets its instructions", async () => {
    const client = new TestClient();
    const { project } = (
      await create(client, {
        name: "French",
        instructions: "Always answer in French.",
        defaults: { model: "@cf/zai-org/glm-4.7-flash", tools: ["date_time"] },
      })
    ).body;
    // "New chat" in the project is a draft: its first message names the project and makes the conversation in it.
    const id = newConversationId();
    await send(client, id, "Where is the station?", { system: "Be brief.", projectId: project.id });
    const call = chatCalls().at(-1)!;
    expect(call.model).toBe("@cf/zai-org/glm-4.7-flash");
    expect(systemOf(call)).toBe("Be brief.\n\nAlways answer in French.");
    // The first question names it, as it names any new chat.
    expect((await list(client)).find((c) => c.id === id)).toMatchObject({
      title: "Where is the station?",
      projectId: project.id,
      settings: { model: "@cf/zai-org/glm-4.7-flash", tools: ["date_time"], system: "Be brief." },
    });

    // An edit to the project applies to the next answer; out of the project, no instructions.
    await client.json(`/api/projects/${project.id}`, "PATCH", { instructions: "Answer in Italian." });
    await readUiStream(
      await client.chat({ id, messages: [userMessage("And the museum?")], trigger: "submit-message", system: "Be brief." }),
    );
    expect(systemOf(chatCalls().at(-1)!)).toBe("Be brief.\n\nAnswer in Italian.");
    expect((await place(client, id, { projectId: null })).status).toBe(200);
    const outside = newConversationId();
    await send(client, outside, "hello", { system: "Be brief." });
    expect(systemOf(chatCalls().at(-1)!)).toBe("Be brief.");
  });

  it("moves conversations in and out, pins them first and archives them out of the list (search still finds them)", async () => {
    const client = new TestClient();
    const { project } = (await create(client, { name: "Work" })).body;
    const [a, b, c] = [newConversationId(), newConversationId(), newConversationId()];
    await send(client, a, "alpha lighthouse");
    await send(client, b, "bravo");
    await send(client, c, "charlie");

    const moved = await place(client, a, { projectId: project.id });
    expect(((await moved.json()) as any).conversation).toMatchObject({ projectId: project.id, pinned: false, archived: false });
    await place(client, a, { pinned: true });
    expect((await list(client)).map((x) => x.id)).toEqual([a, c, b]);

    await place(client, b, { archived: true });
    expect((await list(client)).map((x) => x.id)).toEqual([a, c]);
    expect((await list(client, "/api/projects/archived")).map((x) => x.id)).toEqual([b]);
    expect((await list(client, "/api/conversations?q=bravo")).map((x) => x.id)).toEqual([b]);
    const hits = ((await (await client.fetch("/api/search?q=bravo")).json()) as any).hits;
    expect(JSON.stringify(hits)).toContain(b);

    await place(client, b, { archived: false });
    await place(client, a, { projectId: null, pinned: false });
    expect((await list(client)).every((x) => x.projectId === null && !x.pinned && !x.archived)).toBe(true);
  });

  it("deleting a project asks about its conversations: kept ones leave the project, or they go with it", async () => {
    const client = new TestClient();
    const keep = (await create(client, { name: "Keep" })).body.project;
    const drop = (await create(client, { name: "Drop" })).body.project;
    const [a, b] = [newConversationId(), newConversationId()];
    await send(client, a, "kept");
    await send(client, b, "dropped");
    await place(client, a, { projectId: keep.id });
    await place(client, b, { projectId: drop.id });

    expect((await client.fetch(`/api/projects/${keep.id}?conversations=keep`, { method: "DELETE" })).status).toBe(204);
    expect((await list(client)).find((x) => x.id === a)).toMatchObject({ projectId: null, title: "kept" });
    expect((await client.fetch(`/api/projects/${drop.id}?conversations=delete`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(`/api/conversations/${b}`)).status).toBe(404);
    expect(((await (await client.fetch("/api/projects")).json()) as any).projects).toEqual([]);
  });

  it("searches the project's documents in its conversations, without attaching them", async () => {
    const client = new TestClient();
    const form = new FormData();
    form.append("file", new File(["The harbour master's name is Odile Varga. She keeps the keys."], "harbour.txt"));
    const uploaded = (await (await client.fetch("/api/documents", { method: "POST", body: form })).json()) as DocumentRecord;
    for (let i = 0; i < 200; i++) {
      const record = (await (await client.fetch(`/api/documents/${uploaded.id}`)).json()) as DocumentRecord;
      if (record.status !== "embedding") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const { project } = (await create(client, { name: "Harbour", documentIds: [uploaded.id] })).body;
    // Its first answer already searches them: the conversation is made in the project by that message.
    const inside = newConversationId();
    await send(client, inside, "What is the harbour master's name?", { projectId: project.id });
    expect(lastUserText(chatCalls().at(-1)!)).toContain("Odile Varga");
    expect(((await (await client.fetch(`/api/documents?conversation=${inside}`)).json()) as any).documents).toEqual([]);

    const outside = newConversationId();
    await send(client, outside, "What is the harbour master's name?");
    expect(lastUserText(chatCalls().at(-1)!)).not.toContain("Odile Varga");
  });
});
