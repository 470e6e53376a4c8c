/**
 * A conversation whose first question was asked side by side is titled as a chat turn's is: the
 * title model names it from the first answer to end complete, reserved and settled like any model
 * call. Workers AI is a TEST DOUBLE (recorded format): each model answers what the test scripts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../../contract/api";
import { findChatModel } from "../../contract/models";
import { tokenCost } from "../../contract/pricing";
import { TITLE_MODEL } from "../../contract/titles";
import { appWith, newConversationId, type TestClient, userMessage } from "../test/client";
import { A, C, compare, everyMessage, newClient, release, spentToday, started, useAi } from "../test/compare-kit";
import { bindingError, heldSseStream, legacyChunks } from "../test/recorded-ai";

afterEach(() => vi.restoreAllMocks());

const TITLE_USAGE = { prompt_tokens: 400, completion_tokens: 6, total_tokens: 406 };
const titleReply = () => ({ response: "Fruit Preferences", usage: TITLE_USAGE });

/** The conversation once its title is written (the route waits for the title call). */
async function titled(client: TestClient, id: string): Promise<Conversation> {
  const response = await client.fetch(`/api/conversations/${id}/title`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { conversation: Conversation }).conversation;
}

// The title model is one of the catalog's chat models too: none compared here.
const titleCalls = (fake: ReturnType<typeof useAi>) => fake.calls.filter((c) => c.model === TITLE_MODEL);

describe("compare: the first question's title", () => {
  it("the title model names the conversation once, from an answer, and the person pays for it as for a chat turn's", async () => {
    const fake = useAi({ [A]: ["Apples."], [C]: ["Bananas."], [TITLE_MODEL]: titleReply });
    const client = await newClient(appWith({ MODEL_TITLES: "on" }));
    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Which fruit is best?")], models: [A, C] }));
    await vi.waitFor(async () => expect((await everyMessage(client, id)).filter((m) => m.role === "assistant")).toHaveLength(2));

    expect((await titled(client, id)).title).toBe("Fruit Preferences");
    expect(titleCalls(fake)).toHaveLength(1);
    const sent = JSON.stringify(titleCalls(fake)[0].inputs.messages);
    expect(sent).toContain("Which fruit is best?");
    expect(sent).toMatch(/Apples\.|Bananas\./);
    const answers = (await everyMessage(client, id)).filter((m) => m.role === "assistant");
    const titleCost = tokenCost(findChatModel(TITLE_MODEL)!.price, TITLE_USAGE.prompt_tokens, TITLE_USAGE.completion_tokens);
    const total = answers.reduce((sum, m) => sum + m.metadata.cost.neurons, 0) + titleCost;
    await vi.waitFor(async () => expect(await spentToday(client)).toBeCloseTo(total, 6));
  });

  it("an answer that failed first names nothing: the one that ends complete after it does", async () => {
    let b!: ReturnType<typeof heldSseStream>;
    const fake = useAi({
      [A]: () => {
        throw bindingError(
          5021,
          "The estimated number of input and maximum output tokens (9000) exceeded this model context window limit (8192).",
        );
      },
      [C]: (s) => (b = heldSseStream(legacyChunks(["Bananas, ", "clearly."]), 0, s)).stream,
      [TITLE_MODEL]: titleReply,
    });
    const client = await newClient(appWith({ MODEL_TITLES: "on" }));
    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Which fruit is best?")], models: [A, C] }));
    await vi.waitFor(async () =>
      expect((await everyMessage(client, id)).filter((m) => m.role === "assistant").map((m) => m.metadata.status)).toEqual(["failed"]),
    );
    expect(titleCalls(fake)).toEqual([]);

    await release(client, b);
    expect((await titled(client, id)).title).toBe("Fruit Preferences");
    expect(JSON.stringify(titleCalls(fake)[0].inputs.messages)).toContain("Bananas, clearly.");
  });

  it("with MODEL_TITLES off, keeps the first words and makes no title call", async () => {
    const fake = useAi({ [A]: ["Apples."], [C]: ["Bananas."], [TITLE_MODEL]: titleReply });
    const client = await newClient(appWith({ MODEL_TITLES: "off" }));
    const id = newConversationId();
    await started(await compare(client, { id, messages: [userMessage("Which fruit is best?")], models: [A, C] }));
    await vi.waitFor(async () => expect((await everyMessage(client, id)).filter((m) => m.role === "assistant")).toHaveLength(2));
    expect((await titled(client, id)).title).toBe("Which fruit is best?");
    expect(titleCalls(fake)).toEqual([]);
  });
});
