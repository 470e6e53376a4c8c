import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConversationExport, ConversationsBundle } from "../../contract/transfer";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

// Workers AI is the recorded-format test double: every chat turn answers "Noted.".
beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["Noted."]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

const INSTRUCTIONS = "Secret project rule: always mention the tulip bulbs.";

/** A person with a project "Garden" holding a pinned conversation, and an archived conversation outside it. */
async function gardener() {
  const client = new TestClient();
  const made = await client.json("/api/projects", "POST", { name: "Garden", instructions: INSTRUCTIONS });
  const project = ((await made.json()) as any).project;
  const inProject = newConversationId();
  // "New chat" in the project: its first message makes the conversation in it.
  await readUiStream(await client.chat({ id: inProject, messages: [userMessage("When do I plant bulbs?")], projectId: project.id }));
  await client.json(`/api/projects/place/${inProject}`, "PATCH", { pinned: true });
  const archived = newConversationId();
  await readUiStream(await client.chat({ id: archived, messages: [userMessage("Old note")] }));
  await client.json(`/api/projects/place/${archived}`, "PATCH", { archived: true });
  return { client, project, inProject, archived };
}

const listOf = async (client: TestClient, path = "/api/conversations") =>
  ((await (await client.fetch(path)).json()) as any).conversations as any[];

describe("projects in exports, imports and share links", () => {
  it("the all-data archive lists the projects, and each conversation carries its project and place", async () => {
    const { client, project, inProject, archived } = await gardener();
    const files = unzipSync(new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer()));
    expect(JSON.parse(strFromU8(files["projects/projects.json"]!))).toMatchObject([
      { id: project.id, name: "Garden", instructions: INSTRUCTIONS },
    ]);
    expect(JSON.parse(strFromU8(files["manifest.json"]!)).counts.projects).toBe(1);
    const bundle = JSON.parse(strFromU8(files["conversations.json"]!)) as ConversationsBundle;
    const byId = Object.fromEntries(bundle.conversations.map((c) => [c.conversation.id, c.conversation]));
    expect(byId[inProject]).toMatchObject({
      projectId: project.id,
      pinned: true,
      project: { id: project.id, name: "Garden", instructions: INSTRUCTIONS },
    });
    expect(byId[archived]).toMatchObject({ projectId: null, archived: true });
    expect(byId[archived].project).toBeUndefined();
  });

  it("an import puts conversations back in their project (made when missing), pinned and archived as they were", async () => {
    const { client, project, inProject } = await gardener();
    const files = unzipSync(new Uint8Array(await (await client.fetch("/api/export")).arrayBuffer()));

    // Another person imports the archive's bundle: the project is made for them, with its instructions.
    const other = new TestClient();
    const imported = await other.fetch("/api/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: strFromU8(files["conversations.json"]!),
    });
    expect(imported.status).toBe(201);
    const projects = ((await (await other.fetch("/api/projects")).json()) as any).projects;
    expect(projects).toMatchObject([{ id: project.id, name: "Garden", instructions: INSTRUCTIONS }]);
    const listed = await listOf(other);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ title: "When do I plant bulbs?", projectId: project.id, pinned: true });
    expect((await listOf(other, "/api/projects/archived")).map((c) => c.title)).toEqual(["Old note"]);

    // One conversation's own export, through the batched import, lands in the project that now exists.
    const single = (await (await client.fetch(`/api/conversations/${inProject}/export?format=json`)).json()) as ConversationExport;
    expect(single.conversation.project).toMatchObject({ name: "Garden", instructions: INSTRUCTIONS });
    const batch = await other.fetch("/api/import/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        source: "workers-ai-chat",
        version: 2,
        conversations: [{ ...single, conversation: { ...single.conversation, id: "copy-1" } }],
      }),
    });
    expect(batch.status).toBe(200);
    expect(((await (await other.fetch("/api/projects")).json()) as any).projects).toHaveLength(1);
    expect((await listOf(other)).filter((c) => c.projectId === project.id)).toHaveLength(2);
  });

  it("a share link shows nothing of the project's instructions", async () => {
    const { client, inProject } = await gardener();
    const shared = await client.fetch(`/api/conversations/${inProject}/share`, { method: "POST" });
    expect(shared.status).toBe(201);
    const { token } = ((await shared.json()) as any).share;
    const page = await exports.default.fetch(new Request(`http://app.test/api/shared/${token}`));
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("When do I plant bulbs?");
    expect(text).not.toContain("tulip");
    expect(text).not.toContain("Garden");
  });
});
