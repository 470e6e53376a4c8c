/**
 * Reasoning models' reasoning (issue 23): streamed as reasoning parts, timed ("Thought for N s"),
 * never counted as the answer's text, and the reasoning effort sent to the models that take one.
 * Workers AI is a TEST DOUBLE (recorded format): OpenAI-style chunks with `reasoning_content`.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import type { SharedConversation } from "../../contract/share-api";
import { TITLE_MODEL } from "../../contract/titles";
import { appWith, finalMetadata, newConversationId, randomAddress, readUiStream, TestClient, userMessage } from "../test/client";
import { recordedRun, sseStream, type RecordedCall } from "../test/recorded-ai";
import { ReasoningClock } from "./reasoning-clock";

afterEach(() => vi.restoreAllMocks());

const REASONING = ["The person asks about ", "wombats; ", "cubic droppings ", "come from their intestine."];
const TEXT = ["Wombats ", "leave cube-shaped ", "droppings."];
const PACE_MS = 30;

/** Workers AI's OpenAI-style stream with reasoning first (`reasoning_content`), then the answer. */
function reasoningChunks(reasoning: string[], text: string[]): string[] {
  const event = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ choices: [{ delta, finish_reason: finish }] })}\n\n`;
  return [
    ...reasoning.map((r) => event({ reasoning_content: r })),
    ...text.map((t) => event({ content: t })),
    event({}, "stop"),
    `data: ${JSON.stringify({ response: "", usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 } })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

/** Chat answers stream reasoning then text, each chunk PACE_MS apart; the title model (when on) answers a title. */
function useAi() {
  const fake = recordedRun((call: RecordedCall) =>
    call.model === TITLE_MODEL
      ? { response: "Wombat droppings", usage: { prompt_tokens: 30, completion_tokens: 3, total_tokens: 33 } }
      : sseStream(reasoningChunks(REASONING, TEXT), { delayMs: PACE_MS }),
  );
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

async function ask(client: TestClient, body: Record<string, unknown> = {}) {
  const id = newConversationId();
  const chunks = await readUiStream(await client.chat({ id, messages: [userMessage("Why are wombat droppings cubes?")], ...body }));
  const detail = (await (await client.fetch(`/api/conversations/${id}`)).json()) as ConversationDetail;
  return { id, chunks, detail, answer: detail.messages.at(-1) as ChatMessage };
}

const chatCalls = (fake: ReturnType<typeof useAi>) => fake.calls.filter((c) => c.model !== TITLE_MODEL);

describe("reasoning in a chat answer", () => {
  it("streams and saves the reasoning as a reasoning part, apart from the answer's text", async () => {
    useAi();
    const { chunks, answer } = await ask(new TestClient());
    const types = chunks.map((c) => c.type);
    expect(types.indexOf("reasoning-start")).toBeGreaterThan(-1);
    expect(types.indexOf("reasoning-start")).toBeLessThan(types.indexOf("text-start"));
    const reasoning = answer.parts.filter((p) => p.type === "reasoning");
    const text = answer.parts.filter((p) => p.type === "text");
    expect(reasoning.map((p) => p.text).join("")).toBe(REASONING.join(""));
    expect(text.map((p) => p.text).join("")).toBe(TEXT.join(""));
  });

  it("measures reasoningMs from the first reasoning to the first text, sent when the text starts and saved", async () => {
    useAi();
    const { chunks, answer } = await ask(new TestClient());
    // The reasoning's chunks after the first, and the first text chunk, each wait PACE_MS.
    const saved = answer.metadata!.reasoningMs!;
    expect(saved).toBeGreaterThanOrEqual(REASONING.length * PACE_MS);
    // Less than the whole answer: the text's own streaming time is not thinking.
    expect(saved).toBeLessThan(answer.metadata!.durationMs!);
    // Sent as soon as the text starts (the page says "Thought for N s" while the answer streams), not only at the end.
    const firstText = chunks.findIndex((c) => c.type === "text-delta");
    const early = chunks.findIndex((c) => c.type === "message-metadata" && c.messageMetadata.reasoningMs !== undefined);
    expect(early).toBeGreaterThan(firstText);
    expect(early).toBeLessThan(chunks.findIndex((c, i) => i > firstText && c.type === "text-delta"));
    expect(chunks[early].messageMetadata.reasoningMs).toBe(saved);
    expect(finalMetadata(chunks)!.reasoningMs).toBe(saved);
  });

  it("an answer with no reasoning has no reasoningMs", async () => {
    const fake = recordedRun(() => sseStream(reasoningChunks([], TEXT)));
    vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
    const { answer } = await ask(new TestClient());
    expect(answer.metadata!.reasoningMs).toBeUndefined();
    expect(answer.parts.some((p) => p.type === "reasoning")).toBe(false);
  });
});

describe("reasoning effort", () => {
  it("reaches a model that takes one as the inputs' reasoning_effort, and is saved with the conversation", async () => {
    const fake = useAi();
    const client = new TestClient();
    const { id } = await ask(client, { model: "@cf/openai/gpt-oss-20b", reasoningEffort: "low" });
    expect(chatCalls(fake).at(-1)!.inputs.reasoning_effort).toBe("low");
    const detail = (await (await client.fetch(`/api/conversations/${id}`)).json()) as ConversationDetail;
    expect(detail.conversation.settings.reasoningEffort).toBe("low");

    // The next turn, which names no effort, keeps the conversation's.
    await readUiStream(
      await client.chat({ id, messages: [...detail.messages, userMessage("And koalas?")], model: "@cf/openai/gpt-oss-20b" }),
    );
    expect(chatCalls(fake).at(-1)!.inputs.reasoning_effort).toBe("low");
  });

  it("is not sent to a model without effort levels, nor when the conversation sets none", async () => {
    const fake = useAi();
    await ask(new TestClient(), { model: "@cf/zai-org/glm-4.7-flash", reasoningEffort: "high" });
    expect(chatCalls(fake).at(-1)!.inputs).not.toHaveProperty("reasoning_effort");
    await ask(new TestClient(), { model: "@cf/openai/gpt-oss-120b" });
    expect(chatCalls(fake).at(-1)!.inputs).not.toHaveProperty("reasoning_effort");
  });
});

describe("reasoning is not the answer's text", () => {
  it("search finds the answer's words, never its reasoning's", async () => {
    useAi();
    const client = new TestClient();
    await client.startGuest();
    const { answer } = await ask(client);
    const search = async (q: string) =>
      ((await (await client.fetch(`/api/search?q=${encodeURIComponent(q)}`)).json()) as { hits: { messageId: string | null }[] }).hits;
    expect((await search("cube-shaped")).map((h) => h.messageId)).toEqual([answer.id]);
    expect(await search("intestine")).toEqual([]);
  });

  it("the title model is shown the answer's text, not its reasoning", async () => {
    const fake = useAi();
    const client = new TestClient(randomAddress(), "http://app.test", appWith({ MODEL_TITLES: "on" }));
    await client.startGuest();
    const { id } = await ask(client);
    expect((await client.fetch(`/api/conversations/${id}/title`)).status).toBe(200);
    const prompt = JSON.stringify(fake.calls.find((c) => c.model === TITLE_MODEL)!.inputs);
    expect(prompt).toContain("cube-shaped");
    expect(prompt).not.toContain("intestine");
  });

  it("the Markdown export and a share link leave the reasoning out", async () => {
    useAi();
    const client = new TestClient();
    const { id } = await ask(client);
    const markdown = await (await client.fetch(`/api/conversations/${id}/export?format=markdown`)).text();
    expect(markdown).toContain("Wombats leave cube-shaped droppings.");
    expect(markdown).not.toContain("intestine");
    // Asked for, it comes as a quoted block before the answer, with the thinking time.
    const asked = await (await client.fetch(`/api/conversations/${id}/export?format=markdown&reasoning=include`)).text();
    expect(asked).toMatch(
      /> \*\*Reasoning\*\* \(thought for \d+(\.\d)? s\)\n>\n> The person asks about wombats; cubic droppings come from their intestine\.\n\nWombats leave/,
    );

    const share = (await (await client.fetch(`/api/conversations/${id}/share`, { method: "POST" })).json()) as { share: { token: string } };
    const shared = (await (
      await exports.default.fetch(new Request(`http://app.test/api/shared/${share.share.token}`))
    ).json()) as SharedConversation;
    expect(shared.messages.at(-1)!.text).toBe("Wombats leave cube-shaped droppings.");
    expect(JSON.stringify(shared)).not.toContain("intestine");
  });
});

describe("ReasoningClock", () => {
  const clockAt = (times: number[]) => {
    let i = 0;
    return new ReasoningClock(() => times[Math.min(i++, times.length - 1)]);
  };

  it("counts from the first reasoning to the first text, over every step", () => {
    // Reads of the clock, in order: construction, step start, first reasoning, text; step start, reasoning, tool call.
    const clock = clockAt([0, 0, 100, 1_100, 2_000, 2_500, 3_000]);
    clock.observe("start-step");
    clock.observe("reasoning-delta");
    clock.observe("reasoning-delta");
    clock.observe("reasoning-end");
    expect(clock.observe("text-delta")).toBe(true);
    expect(clock.observe("text-delta")).toBe(false);
    clock.observe("start-step");
    clock.observe("reasoning-start");
    expect(clock.observe("tool-call")).toBe(true);
    expect(clock.ms).toBe(1_000 + 500);
  });

  it("counts reasoning that arrived whole (a model that does not stream) from the step's start", () => {
    // Step starts at 10; reasoning and text both arrive at 4_010 (one read): it thought for 4 s before sending anything.
    const clock = clockAt([0, 10, 4_010, 4_010]);
    clock.observe("start-step");
    clock.observe("reasoning-delta");
    clock.observe("text-delta");
    expect(clock.ms).toBe(4_000);
  });

  it("has no time without reasoning, and counts an open span up to now", () => {
    expect(clockAt([0]).ms).toBeUndefined();
    const clock = clockAt([0, 0, 200, 900]);
    clock.observe("start-step");
    clock.observe("reasoning-delta");
    expect(clock.ms).toBe(700);
  });
});
