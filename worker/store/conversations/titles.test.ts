/**
 * Titles written by the small fast title model after a conversation's first answer, budgeted like
 * every model call. Workers AI is a TEST DOUBLE (recorded format): chat answers stream, the title
 * model answers what each test scripts.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../../../contract/api";
import type { ChatMessage } from "../../../contract/messages";
import { findChatModel } from "../../../contract/models";
import { tokenCost } from "../../../contract/pricing";
import { TITLE_MODEL } from "../../../contract/titles";
import { appWith, newConversationId, randomAddress, readUiStream, TestClient, userMessage } from "../../test/client";
import { bindingError, legacyChunks, recordedRun, sseStream, type RecordedCall } from "../../test/recorded-ai";
import { reserve, budgetStatus, type Payer } from "../../spend/spend";
import { storeOf } from "../../test/store-of";
import { cleanTitle, modelTitle } from "./model-title";
import type { TurnPayer } from "../api";

afterEach(() => vi.restoreAllMocks());

const ANSWER_USAGE = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };

/** Chat answers stream a fixed text; the title model answers with `title(call)`. */
function useAi(title: (call: RecordedCall) => unknown) {
  const fake = recordedRun((call) =>
    call.model === TITLE_MODEL ? title(call) : sseStream(legacyChunks(["Capybaras are the largest rodents."], ANSWER_USAGE)),
  );
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

const titleCalls = (fake: ReturnType<typeof recordedRun>) => fake.calls.filter((c) => c.model === TITLE_MODEL);

/** A person on the app with model titles on, as deployed. */
async function newClient(vars: Record<string, string> = {}) {
  const client = new TestClient(randomAddress(), "http://app.test", appWith({ MODEL_TITLES: "on", ...vars }));
  await client.startGuest();
  return client;
}

async function firstTurn(client: TestClient, question = "Which rodent is the largest in the world?") {
  const id = newConversationId();
  await readUiStream(await client.chat({ id, messages: [userMessage(question)] }));
  return id;
}

/** The conversation once its title is written (the route waits for the title call). */
async function titled(client: TestClient, id: string): Promise<Conversation> {
  const response = await client.fetch(`/api/conversations/${id}/title`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { conversation: Conversation }).conversation;
}

async function messagesOf(client: TestClient, id: string): Promise<ChatMessage[]> {
  return ((await (await client.fetch(`/api/conversations/${id}`)).json()) as { messages: ChatMessage[] }).messages;
}

const spent = async (client: TestClient) =>
  ((await (await client.fetch("/api/status")).json()) as { budget: { used: number } }).budget.used;
const titlePrice = findChatModel(TITLE_MODEL)!.price;

describe("model-written titles", () => {
  it("the title model names the conversation after its first answer, and the call is charged to the ledger", async () => {
    const fake = useAi(() => ({ response: '"Capybara Facts."', usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 } }));
    const client = await newClient();
    const id = await firstTurn(client);
    expect((await titled(client, id)).title).toBe("Capybara Facts");

    const [call] = titleCalls(fake);
    expect(titleCalls(fake)).toHaveLength(1);
    expect(call.inputs).toMatchObject({ max_tokens: expect.any(Number) });
    expect(JSON.stringify(call.inputs.messages)).toContain("Which rodent is the largest in the world?");
    expect(JSON.stringify(call.inputs.messages)).toContain("Capybaras are the largest rodents.");

    // The list shows it, search finds it, and the person paid for the answer and the title.
    const list = ((await (await client.fetch("/api/conversations")).json()) as { conversations: Conversation[] }).conversations;
    expect(list.map((c) => c.title)).toEqual(["Capybara Facts"]);
    expect(((await (await client.fetch("/api/search?q=facts")).json()) as { hits: unknown[] }).hits).toEqual([
      expect.objectContaining({ conversationId: id, messageId: null }),
    ]);
    const answerCost = (await messagesOf(client, id)).find((m) => m.role === "assistant")!.metadata!.cost!.neurons;
    const titleCost = tokenCost(titlePrice, 900, 40);
    expect(titleCost).toBeGreaterThan(0);
    await vi.waitFor(async () => expect(await spent(client)).toBe(answerCost + titleCost));

    // Later answers do not retitle it.
    const messages = await messagesOf(client, id);
    await readUiStream(await client.chat({ id, messages: [...messages, userMessage("And the smallest?")] }));
    expect((await titled(client, id)).title).toBe("Capybara Facts");
    expect(titleCalls(fake)).toHaveLength(1);
  });

  it("keeps the first words when the title model fails, and charges nothing for the failed call", async () => {
    const fake = useAi(() => {
      throw bindingError(3040, "Capacity temporarily exceeded, please try again.");
    });
    const client = await newClient();
    const id = await firstTurn(client);
    expect((await titled(client, id)).title).toBe("Which rodent is the largest in the world?");
    expect(titleCalls(fake).length).toBeGreaterThan(0);
    const answerCost = (await messagesOf(client, id)).find((m) => m.role === "assistant")!.metadata!.cost!.neurons;
    await vi.waitFor(async () => expect(await spent(client)).toBe(answerCost));
  });

  it("keeps the first words when the reply is not a title", async () => {
    for (const reply of [
      { response: "" },
      { response: "  \n ..." },
      { response: "Sure! Here is a short title for this conversation about the largest rodents in the whole wide world" },
      { nothing: true },
    ]) {
      useAi(() => reply);
      const client = await newClient();
      const id = await firstTurn(client, "Largest rodent please");
      expect((await titled(client, id)).title, JSON.stringify(reply)).toBe("Largest rodent please");
      vi.restoreAllMocks();
    }
  });

  it("never replaces a title the person wrote, even one written while the model was thinking", async () => {
    let reply!: (value: unknown) => void;
    const fake = useAi(() => new Promise((resolve) => (reply = resolve)));
    const client = await newClient();
    const id = await firstTurn(client);
    await vi.waitFor(() => expect(titleCalls(fake)).toHaveLength(1));
    expect((await client.json(`/api/conversations/${id}`, "PATCH", { title: "My rodents" })).status).toBe(200);
    // From the object's own context: workerd ties the waiting call to it.
    await runInDurableObject(storeOf(client), () =>
      reply({ response: "Capybara Facts", usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }),
    );
    expect((await titled(client, id)).title).toBe("My rodents");

    // Regenerating the first answer of a renamed conversation asks for no title.
    const [question] = await messagesOf(client, id);
    await readUiStream(await client.chat({ id, messages: [question], trigger: "regenerate-message" }));
    expect((await titled(client, id)).title).toBe("My rodents");
    expect(titleCalls(fake)).toHaveLength(1);
  });

  it("makes no title call when MODEL_TITLES is off", async () => {
    const fake = useAi(() => ({ response: "Capybara Facts" }));
    const client = await newClient({ MODEL_TITLES: "off" });
    const id = await firstTurn(client);
    expect((await titled(client, id)).title).toBe("Which rodent is the largest in the world?");
    expect(titleCalls(fake)).toEqual([]);
  });
});

describe("modelTitle", () => {
  const question: ChatMessage = { id: "q", role: "user", parts: [{ type: "text", text: "Largest rodent?" }] };
  const answer: ChatMessage = { id: "a", role: "assistant", parts: [{ type: "text", text: "The capybara." }] };
  const payerWith = (guestBudget: number): TurnPayer => ({
    userId: crypto.randomUUID(),
    person: { kind: "guest", owner: false },
    address: "local",
    budgets: { guest: guestBudget, account: 0, global: 0, address: 0, addressBlock: 0 },
  });

  it("with the budget spent, makes no model call and gives no title", async () => {
    const payer = payerWith(50);
    const budgets = { ...env, GUEST_DAILY_NEURONS: "50", GLOBAL_DAILY_NEURONS: "0" };
    await reserve(budgets, payer as Payer, 50);
    const fake = recordedRun(() => ({ response: "Capybara Facts" }));
    expect(await modelTitle({ env, binding: { run: fake.run } as never, payer }, question, answer)).toBeNull();
    expect(fake.calls).toEqual([]);
    expect((await budgetStatus(budgets, payer)).used).toBe(50);
  });

  it("reserves first and settles at the reported usage", async () => {
    const payer = payerWith(10_000);
    const budgets = { ...env, GUEST_DAILY_NEURONS: "10000", GLOBAL_DAILY_NEURONS: "0" };
    const fake = recordedRun(() => ({
      response: "Capybara Facts",
      usage: { prompt_tokens: 2_000, completion_tokens: 20, total_tokens: 2_020 },
    }));
    expect(await modelTitle({ env, binding: { run: fake.run } as never, payer }, question, answer)).toBe("Capybara Facts");
    expect(fake.calls.map((c) => c.model)).toEqual([TITLE_MODEL]);
    expect((await budgetStatus(budgets, payer)).used).toBe(tokenCost(titlePrice, 2_000, 20));
  });
});

describe("cleanTitle", () => {
  it("keeps a few plain words: no quotes, markdown, label or trailing punctuation; long titles cut at a word", () => {
    expect(cleanTitle('"Capybara Facts."')).toBe("Capybara Facts");
    expect(cleanTitle("**Title:** Rodent sizes!\nThis conversation is about...")).toBe("Rodent sizes");
    expect(cleanTitle("# “Trip to Lisbon”")).toBe("Trip to Lisbon");
    expect(cleanTitle("<think>hmm</think>\nSourdough basics")).toBe("Sourdough basics");
    expect(cleanTitle("Über große Nagetiere")).toBe("Über große Nagetiere");
    const long = cleanTitle("Supercalifragilisticexpialidocious antidisestablishmentarianism floccinaucinihilipilification")!;
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toBe("Supercalifragilisticexpialidocious");
  });

  it("refuses what is not a title", () => {
    expect(cleanTitle("")).toBeNull();
    expect(cleanTitle("...!?")).toBeNull();
    expect(cleanTitle("Here is a title that goes on and on for many more words than any title")).toBeNull();
  });
});
