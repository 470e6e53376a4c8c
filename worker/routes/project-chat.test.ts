import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream, type RecordedCall } from "../test/recorded-ai";

// A project's default tools, and "New chat" in a project as a draft whose first message makes the
// conversation in it. Workers AI is the recorded-format test double: every chat call answers "fine".
let fake: ReturnType<typeof recordedRun>;
beforeEach(() => {
  fake = recordedRun(() => sseStream(legacyChunks(["fine"])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
});
afterEach(() => vi.restoreAllMocks());

const GLM = "@cf/zai-org/glm-4.7-flash";
const chatCalls = () => fake.calls.filter((c) => Array.isArray(c.inputs.messages));
const offered = (call: RecordedCall) => ((call.inputs.tools as any[]) ?? []).map((t) => t.function?.name ?? t.name).sort();
const systemOf = (call: RecordedCall) =>
  (call.inputs.messages as { role: string; content: string }[]).find((m) => m.role === "system")?.content;

async function createProject(client: TestClient, body: Record<string, unknown>) {
  const response = await client.json("/api/projects", "POST", body);
  return { status: response.status, body: (await response.json()) as any };
}

async function conversation(client: TestClient, id: string) {
  const response = await client.fetch(`/api/conversations/${id}`);
  return response.status === 200 ? ((await response.json()) as any).conversation : null;
}

async function listed(client: TestClient): Promise<any[]> {
  return ((await (await client.fetch("/api/conversations")).json()) as any).conversations;
}

describe("a project's default tools", () => {
  it("are saved with the project (each once) and read back by GET /api/projects/:id", async () => {
    const client = new TestClient();
    const made = await createProject(client, { name: "Sums", defaults: { model: GLM, tools: ["calculate", "date_time", "calculate"] } });
    expect(made.status).toBe(201);
    expect(made.body.project.defaults).toEqual({ model: GLM, tools: ["calculate", "date_time"] });
    const id = made.body.project.id;
    const none = await client.json(`/api/projects/${id}`, "PATCH", { defaults: { model: GLM, tools: [] } });
    expect(((await none.json()) as any).project.defaults).toEqual({ model: GLM, tools: [] });
    const read = await client.fetch(`/api/projects/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as any).project).toMatchObject({ id, name: "Sums", defaults: { model: GLM, tools: [] } });
  });

  it("refuses a tool that is neither a built-in nor the person's connector's, naming it", async () => {
    const client = new TestClient();
    const unknown = await createProject(client, { name: "X", defaults: { tools: ["calculate", "mcp_abcdef_nothing"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("bad_request");
    expect(unknown.body.error.message).toBe(
      'The tool "mcp_abcdef_nothing" is neither a built-in tool nor a tool of one of your connectors. Pick tools from the list.',
    );
    const malformed = await createProject(client, { name: "Y", defaults: { tools: ["no spaces allowed"] } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain("is not a tool name");
    const { project } = (await createProject(client, { name: "Z" })).body;
    const patched = await client.json(`/api/projects/${project.id}`, "PATCH", { defaults: { tools: ["nope_tool"] } });
    expect(patched.status).toBe(400);
    expect(((await client.fetch(`/api/projects/${project.id}`).then((r) => r.json())) as any).project.defaults).toEqual({});
  });

  it("GET /api/projects/:id: another person's or an unknown project is not found", async () => {
    const owner = new TestClient();
    const { project } = (await createProject(owner, { name: "Mine" })).body;
    const stranger = new TestClient();
    await stranger.startGuest();
    for (const [client, id] of [
      [stranger, project.id],
      [owner, newConversationId()],
    ] as const) {
      const response = await client.fetch(`/api/projects/${id}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).error.message).toBe("That project does not exist.");
    }
  });
});

describe("a new chat in a project: a draft until its first message", () => {
  it("the first message makes the conversation in the project, with its model and tools when the request leaves them unset", async () => {
    const client = new TestClient();
    const { project } = (
      await createProject(client, { name: "Dates", instructions: "Answer with dates.", defaults: { model: GLM, tools: ["date_time"] } })
    ).body;
    const id = newConversationId();
    await readUiStream(await client.chat({ id, messages: [userMessage("What day is it?")], projectId: project.id }));

    const call = chatCalls().at(-1)!;
    expect(call.model).toBe(GLM);
    expect(offered(call)).toEqual(["date_time"]);
    // The project's instructions reach the first answer already, before the conversation existed.
    expect(systemOf(call)).toBe("Answer with dates.");
    expect(await conversation(client, id)).toMatchObject({ projectId: project.id, settings: { model: GLM, tools: ["date_time"] } });
  });

  it("what the chat sends wins over the project's defaults: other tools, no tools, another model", async () => {
    const client = new TestClient();
    const { project } = (await createProject(client, { name: "Tools", defaults: { model: GLM, tools: ["date_time"] } })).body;

    const other = newConversationId();
    await readUiStream(
      await client.chat({
        id: other,
        messages: [userMessage("2+2?")],
        projectId: project.id,
        tools: ["calculate"],
        model: "@cf/qwen/qwen3-30b-a3b-fp8",
      }),
    );
    expect(chatCalls().at(-1)!.model).toBe("@cf/qwen/qwen3-30b-a3b-fp8");
    expect(offered(chatCalls().at(-1)!)).toEqual(["calculate"]);
    expect((await conversation(client, other)).settings).toMatchObject({ model: "@cf/qwen/qwen3-30b-a3b-fp8", tools: ["calculate"] });

    const none = newConversationId();
    await readUiStream(await client.chat({ id: none, messages: [userMessage("hello")], projectId: project.id, tools: [] }));
    expect(chatCalls().at(-1)!.inputs.tools).toBeUndefined();
    expect((await conversation(client, none)).settings).toMatchObject({ model: GLM, tools: [] });
  });

  it("an unknown or another person's project refuses the message with 404 and saves nothing", async () => {
    const owner = new TestClient();
    const { project: theirs } = (await createProject(owner, { name: "Theirs" })).body;
    const client = new TestClient();
    await client.startGuest();
    for (const projectId of [newConversationId(), theirs.id]) {
      const id = newConversationId();
      const response = await client.chat({ id, messages: [userMessage("hello")], projectId });
      expect(response.status).toBe(404);
      const body = (await response.json()) as any;
      expect(body.error.code).toBe("not_found");
      expect(body.error.message).toBe("That project does not exist (it may have been deleted). Start the chat again from the sidebar.");
      expect(await conversation(client, id)).toBeNull();
    }
    expect(await listed(client)).toEqual([]);
    expect(chatCalls()).toEqual([]);
    const spent = ((await (await client.fetch("/api/status")).json()) as any).budget.used;
    expect(spent).toBe(0);
  });

  it("a project named by a later message is ignored: a conversation's project changes only by moving it", async () => {
    const client = new TestClient();
    const { project } = (await createProject(client, { name: "Later", instructions: "Only in the project.", defaults: { tools: [] } }))
      .body;
    const id = newConversationId();
    const first = userMessage("first");
    await readUiStream(await client.chat({ id, messages: [first] }));
    const [, answer] = ((await (await client.fetch(`/api/conversations/${id}`)).json()) as any).messages;
    await readUiStream(await client.chat({ id, messages: [first, answer, userMessage("second")], projectId: project.id }));
    expect(systemOf(chatCalls().at(-1)!)).toBeUndefined();
    expect(await conversation(client, id)).toMatchObject({ projectId: null });
    expect((await conversation(client, id)).settings.tools).toBeUndefined();
  });

  it("a malformed project id is refused by the request's schema", async () => {
    const client = new TestClient();
    const response = await client.chat({ id: newConversationId(), messages: [userMessage("hi")], projectId: "../x" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toContain("projectId");
  });
});
