/**
 * The all-data archive's round trip for what it holds besides conversations: memories, projects
 * (the empty ones too) and the person's own assistants, exported by GET /api/export, read from the
 * zip as the import page reads it (contract/import-file.ts) and restored by POST /api/import/archive
 * before the conversations' batches. Workers AI is a TEST DOUBLE: chat answers "Noted."
 * (worker/test/recorded-ai.ts), embeddings from worker/test/meaning-embeddings.ts.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ArchiveRestoreResult } from "../../contract/archive-extras";
import type { AssistantList } from "../../contract/assistants";
import { planBatches } from "../../contract/import-batches";
import { describeIgnored, type ImportFile, readImportFile } from "../../contract/import-file";
import type { MemoryList } from "../../contract/memory";
import type { Project } from "../../contract/projects";
import type { ImportBatchResult } from "../../contract/transfer";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { meaningEmbeddingAnswer } from "../test/meaning-embeddings";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

beforeEach(() => {
  const fake = recordedRun((call) => meaningEmbeddingAnswer(call.model, call.inputs) ?? sseStream(legacyChunks(["Noted."])));
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
});
afterEach(() => vi.restoreAllMocks());

const get = async <T>(client: TestClient, path: string): Promise<T> => (await (await client.fetch(path)).json()) as T;

/** A person with two memories, an empty project, a project holding a conversation, and an own assistant. */
async function keeper() {
  const client = new TestClient();
  await client.startGuest();
  for (const text of ["Has a dog named Rex.", "Prefers metric units."])
    expect((await client.json("/api/memory", "POST", { text })).status).toBe(201);
  const empty = (await (await client.json("/api/projects", "POST", { name: "Someday", instructions: "Keep it short." })).json()) as {
    project: Project;
  };
  const garden = (await (await client.json("/api/projects", "POST", { name: "Garden", instructions: "Mention bulbs." })).json()) as {
    project: Project;
  };
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage("When do I plant tulips?")] }));
  expect((await client.json(`/api/projects/place/${id}`, "PATCH", { projectId: garden.project.id })).status).toBe(200);
  const assistant = await client.json("/api/assistants", "POST", {
    name: "Plain English",
    description: "Rewrites in plain words.",
    model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    instructions: "Rewrite the text in plain English.",
    temperature: 0.4,
    tools: ["calculate"],
  });
  expect(assistant.status, await assistant.clone().text()).toBe(201);
  return { client, projects: [empty.project, garden.project] };
}

async function archiveOf(client: TestClient): Promise<ImportFile> {
  const zip = new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer());
  return readImportFile("workers-ai-chat.zip", new Response(zip).body!);
}

/** What the import page does with an archive: its extras first, then every batch of conversations. */
async function importArchive(client: TestClient, file: ImportFile): Promise<ArchiveRestoreResult> {
  const restored = await client.json("/api/import/archive", "POST", file.extras);
  expect(restored.status, await restored.clone().text()).toBe(200);
  for (const batch of planBatches(file).batches) {
    const response = await client.fetch("/api/import/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: batch.body,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ImportBatchResult).results.every((r) => !r.skipped || r.skipped === "already_imported")).toBe(true);
  }
  return (await restored.json()) as ArchiveRestoreResult;
}

describe("the all-data archive restores memories, projects and assistants", () => {
  it("reads them from the zip, restores them in another account, and a second import adds nothing twice", async () => {
    const { client: source, projects } = await keeper();
    const file = await archiveOf(source);
    expect(Object.keys(file.extras ?? {}).sort()).toEqual(["assistants", "memories", "projects"]);
    // Read, so no longer named among the files left in the zip.
    expect(file.ignored.filter((path) => /^(memory|projects|assistants)\//.test(path))).toEqual([]);
    expect(describeIgnored(file)).not.toMatch(/memory\/|projects\/|assistants\//);

    const target = new TestClient();
    await target.startGuest();
    const first = await importArchive(target, file);
    expect(first).toMatchObject({
      memories: { added: 2, already: 0, skipped: 0, embedded: 2 },
      projects: { added: 2, already: 0, skipped: 0 },
      assistants: { added: 1, already: 0, skipped: 0 },
      notes: [],
    });
    expect(first.summary).toBe("Restored from the archive: 2 of 2 memories; 2 of 2 projects; 1 of 1 assistant.");

    // Memories: the same texts, embedded (so found by meaning), memory on.
    const memory = await get<MemoryList>(target, "/api/memory");
    expect(memory.memories.map((m) => [m.text, m.embedded])).toEqual([
      ["Has a dog named Rex.", true],
      ["Prefers metric units.", true],
    ]);
    // Projects: the empty one too, with its instructions; the conversation in its project.
    const restored = (await get<{ projects: Project[] }>(target, "/api/projects")).projects;
    expect(
      restored.map((p) => ({ id: p.id, name: p.name, instructions: p.instructions })).sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual(projects.map((p) => ({ id: p.id, name: p.name, instructions: p.instructions })).sort((a, b) => a.name.localeCompare(b.name)));
    const conversations = (await get<{ conversations: { title: string; projectId: string | null }[] }>(target, "/api/conversations"))
      .conversations;
    expect(conversations).toMatchObject([{ projectId: projects[1].id }]);
    // Assistants: the person's own, as they were (the built-ins ship with the app and are not copied).
    const { own } = await get<AssistantList>(target, "/api/assistants");
    expect(own).toMatchObject([
      {
        name: "Plain English",
        description: "Rewrites in plain words.",
        instructions: "Rewrite the text in plain English.",
        temperature: 0.4,
        tools: ["calculate"],
        builtin: false,
      },
    ]);

    const again = await importArchive(target, file);
    expect(again).toMatchObject({
      memories: { added: 0, already: 2 },
      projects: { added: 0, already: 2 },
      assistants: { added: 0, already: 1 },
    });
    expect((await get<MemoryList>(target, "/api/memory")).memories).toHaveLength(2);
    expect((await get<{ projects: Project[] }>(target, "/api/projects")).projects).toHaveLength(2);
    expect((await get<AssistantList>(target, "/api/assistants")).own).toHaveLength(1);
  });

  it("reads an archive with memories but no conversation (nothing else to import), instead of refusing it", async () => {
    const source = new TestClient();
    await source.startGuest();
    expect((await source.json("/api/memory", "POST", { text: "Prefers metric units." })).status).toBe(201);
    const file = await archiveOf(source);
    expect(file.conversations).toEqual([]);
    expect(file.extras?.memories).toMatchObject({ memories: [{ text: "Prefers metric units." }] });

    const target = new TestClient();
    await target.startGuest();
    expect((await importArchive(target, file)).memories).toMatchObject({ added: 1 });
    expect((await get<MemoryList>(target, "/api/memory")).memories.map((m) => m.text)).toEqual(["Prefers metric units."]);
  });

  it("skips what cannot be restored with a sentence saying why, and keeps the rest", async () => {
    const target = new TestClient();
    await target.startGuest();
    const response = await target.json("/api/import/archive", "POST", {
      memories: { enabled: true, memories: [{ text: "   " }, { text: "Lives in Lisbon." }] },
      assistants: [
        { name: "Old model", model: "@cf/nobody/no-such-model", instructions: "", temperature: 0.5 },
        {
          name: "With a connector",
          model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
          temperature: 0.5,
          tools: ["calculate", "mcp_abcdef_search"],
        },
      ],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const result = (await response.json()) as ArchiveRestoreResult;
    expect(result.memories).toMatchObject({ added: 1, skipped: 1 });
    expect(result.assistants).toMatchObject({ added: 1, skipped: 1 });
    expect(result.notes.join("\n")).toMatch(/1 memory was not restored: empty or too long/);
    expect(result.notes.join("\n")).toMatch(/“Old model” was not restored: .*not a chat model/);
    expect(result.notes.join("\n")).toMatch(/tools of connectors you do not have here/);
    expect((await get<AssistantList>(target, "/api/assistants")).own).toMatchObject([{ name: "With a connector", tools: ["calculate"] }]);
    expect((await get<MemoryList>(target, "/api/memory")).memories.map((m) => m.text)).toEqual(["Lives in Lisbon."]);
  });

  it("refuses a file that is not the archive's shape, naming the field", async () => {
    const target = new TestClient();
    await target.startGuest();
    const response = await target.json("/api/import/archive", "POST", { projects: [{ id: "x", name: "" }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/projects/);
  });
});
