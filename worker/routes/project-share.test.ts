import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";

// Workers AI is the recorded-format test double: every answer is the same short text.
beforeEach(() => {
  vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["Plant them in March."]))).run as never);
});
afterEach(() => vi.restoreAllMocks());

const PROJECT_NAME = "Allotment-7f3a";
const PROJECT_INSTRUCTIONS = "PRIVATE-PROJECT-RULE: the person's plot is number 42 behind the church.";

describe("a shared conversation in a project", () => {
  it("shows its messages and nothing of the project: not its instructions, name or id", async () => {
    const owner = new TestClient();
    const made = await owner.json("/api/projects", "POST", { name: PROJECT_NAME, instructions: PROJECT_INSTRUCTIONS });
    expect(made.status).toBe(201);
    const { project } = (await made.json()) as { project: { id: string } };

    const id = newConversationId();
    await readUiStream(await owner.chat({ id, messages: [userMessage("When do I plant garlic?")], projectId: project.id }));
    // The answer was given with the project's instructions: the share must still not carry them.
    const listed = (await (await owner.fetch("/api/conversations")).json()) as unknown;
    expect(JSON.stringify(listed)).toContain(project.id);

    const shared = await owner.fetch(`/api/conversations/${id}/share`, { method: "POST" });
    expect(shared.status).toBe(201);
    const { share } = (await shared.json()) as { share: { token: string } };

    // A stranger's read: no cookie of any kind.
    const read = await exports.default.fetch(new Request(`http://app.test/api/shared/${share.token}`));
    expect(read.status).toBe(200);
    const text = await read.text();
    expect(text).toContain("When do I plant garlic?");
    expect(text).toContain("Plant them in March.");
    expect(text).not.toContain("PRIVATE-PROJECT-RULE");
    expect(text).not.toContain("number 42");
    expect(text).not.toContain(PROJECT_NAME);
    expect(text).not.toContain(project.id);
  });
});
