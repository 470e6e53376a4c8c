/**
 * A project's "New chat" draft whose first question is asked side by side: the conversation is made in
 * the project, every answer gets the project's instructions, and an unknown project refuses the turn
 * before anything is spent or saved, as a chat turn's first message does. Workers AI is a TEST DOUBLE
 * (recorded format): each model answers what the test scripts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { newConversationId, userMessage } from "../test/client";
import { A, C, compare, detail, everyMessage, newClient, spentToday, started, useAi } from "../test/compare-kit";

afterEach(() => vi.restoreAllMocks());

const systemOf = (call: { inputs: Record<string, unknown> }) =>
  (call.inputs.messages as { role: string; content: string }[]).find((m) => m.role === "system")?.content ?? "";

describe("compare: a first question in a project's draft", () => {
  it("makes the conversation in the project, and each answer has the project's instructions", async () => {
    const fake = useAi({ [A]: ["Apples."], [C]: ["Bananas."] });
    const client = await newClient();
    const made = await client.json("/api/projects", "POST", { name: "Orchard", instructions: "Answer as an orchard keeper." });
    expect(made.status).toBe(201);
    const { project } = (await made.json()) as { project: { id: string } };

    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Which fruit is best?")], models: [A, C], projectId: project.id }));
    await vi.waitFor(async () => expect((await everyMessage(client, id)).filter((m) => m.role === "assistant")).toHaveLength(2));

    expect((await detail(client, id)).conversation).toMatchObject({ projectId: project.id });
    const answered = fake.calls.filter((c) => c.model === A || c.model === C);
    expect(answered).toHaveLength(2);
    for (const call of answered) expect(systemOf(call)).toContain("Answer as an orchard keeper.");
  });

  it("an unknown project refuses the question with 404: no model is called, nothing is saved or spent", async () => {
    const fake = useAi({ [A]: ["Apples."], [C]: ["Bananas."] });
    const client = await newClient();
    const before = await spentToday(client);
    const id = newConversationId();
    const refused = await compare(client, {
      id,
      messages: [userMessage("Which fruit is best?")],
      models: [A, C],
      projectId: "noprojectbythisid00000000",
    });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/project does not exist/);
    expect(fake.calls).toHaveLength(0);
    expect(await everyMessage(client, id)).toEqual([]);
    expect(await spentToday(client)).toBe(before);
  });
});
