import { isStepCount, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkersAI } from "workers-ai-provider";
import { z } from "zod";
import { type FakeWorkersAi, type RecordedRequest, startFakeWorkersAi } from "../../e2e/support/fake-workers-ai";
import { clearEngineEnv, json, statusUrl, waitFor } from "../fixtures/http";
import { ensureTestTextModel } from "../fixtures/test-model";
import { type Engine, startEngine } from "../server";

/**
 * What streams as Workers AI's tool calls and reasoning must be what `workers-ai-provider` (4.0.0,
 * the Worker's) parses into the AI SDK's tool calls and reasoning: checked here end to end through
 * `streamText` with a binding that speaks the REST contract, as the Worker's does. Then the same for
 * the local engine on the generated test model, which can only be expected to call a tool when the
 * choice is forced.
 */

clearEngineEnv();

/** A `run()` over Workers AI's REST contract (the Worker's own is worker/ai/rest-binding.ts, which the engine may not import). */
function restBinding(baseUrl: string) {
  return {
    async run(model: string, inputs: Record<string, unknown>) {
      const res = await fetch(`${baseUrl}/run/${model}`, {
        method: "POST",
        body: JSON.stringify(inputs),
        headers: { "content-type": "application/json" },
      });
      if (!res.ok) throw new Error(`AiError: ${res.status}: ${await res.text()}`);
      if (inputs.stream) return res.body;
      return ((await res.json()) as { result: unknown }).result;
    },
  };
}

interface Seen {
  reasoning: string;
  text: string;
  toolCalls: { toolName: string; input: unknown }[];
  toolResults: unknown[];
  stepFinishes: string[];
  errors: unknown[];
}

/** Runs a tool loop through the provider and collects what the AI SDK made of the stream. */
type StreamTextOptions = Parameters<typeof streamText>[0];

async function runLoop(
  baseUrl: string,
  options: {
    prompt: string;
    tools: StreamTextOptions["tools"];
    toolChoice?: StreamTextOptions["toolChoice"];
    prepareStep?: StreamTextOptions["prepareStep"];
    steps?: number;
    maxOutputTokens?: number;
  },
): Promise<Seen> {
  const workersai = createWorkersAI({ binding: restBinding(baseUrl) as never });
  const result = streamText({
    model: workersai("@cf/meta/llama-4-scout-17b-16e-instruct"),
    prompt: options.prompt,
    tools: options.tools,
    toolChoice: options.toolChoice,
    prepareStep: options.prepareStep,
    maxOutputTokens: options.maxOutputTokens,
    stopWhen: isStepCount(options.steps ?? 3),
  });
  const seen: Seen = { reasoning: "", text: "", toolCalls: [], toolResults: [], stepFinishes: [], errors: [] };
  for await (const part of result.stream) {
    if (part.type === "reasoning-delta") seen.reasoning += part.text;
    else if (part.type === "text-delta") seen.text += part.text;
    else if (part.type === "tool-call") seen.toolCalls.push({ toolName: part.toolName, input: part.input });
    else if (part.type === "tool-result") seen.toolResults.push(part.output);
    else if (part.type === "finish-step") seen.stepFinishes.push(part.finishReason);
    else if (part.type === "error" || part.type === "tool-error") seen.errors.push(part);
  }
  return seen;
}

const weather = tool({
  description: "The weather in a city",
  inputSchema: z.object({ city: z.string(), days: z.number().optional() }),
  execute: async ({ city }) => ({ city, sky: "sunny" }),
});

describe("the fake upstream's tool calls and reasoning (e2e/support/fake-workers-ai.ts)", () => {
  let fake: FakeWorkersAi;
  beforeAll(async () => {
    fake = await startFakeWorkersAi();
  });
  afterAll(() => fake.close());
  const requests = async () => (await (await fetch(fake.url.replace(/\/client\/.*$/, "/__requests"))).json()) as RecordedRequest[];

  for (const toolFormat of ["openai", "native"] as const) {
    it(`streams ${toolFormat} tool calls the provider parses, then the text once the results are in the prompt`, async () => {
      fake.setScript({
        text: "Sunny in both.",
        toolFormat,
        toolCalls: [
          { name: "weather", arguments: { city: "Paris", days: 2 } },
          { name: "weather", arguments: { city: "Rome" } },
        ],
      });
      const seen = await runLoop(fake.url, { prompt: "Weather in Paris and Rome?", tools: { weather } });
      expect(seen.errors).toEqual([]);
      expect(seen.toolCalls).toEqual([
        { toolName: "weather", input: { city: "Paris", days: 2 } },
        { toolName: "weather", input: { city: "Rome" } },
      ]);
      expect(seen.toolResults).toEqual([
        { city: "Paris", sky: "sunny" },
        { city: "Rome", sky: "sunny" },
      ]);
      expect(seen.text).toBe("Sunny in both.");
      expect(seen.stepFinishes).toEqual([toolFormat === "openai" ? "tool-calls" : "stop", "stop"]);
      // What the model was given: the tools on both calls, and the results on the second.
      const [first, second] = await requests();
      expect(first.inputs.tools).toEqual([
        expect.objectContaining({ type: "function", function: expect.objectContaining({ name: "weather" }) }),
      ]);
      expect(first.inputs.messages?.some((m) => m.role === "tool")).toBe(false);
      expect(second.inputs.messages?.filter((m) => m.role === "tool").map((m) => JSON.parse(String(m.content)))).toEqual(seen.toolResults);
    });
  }

  it("streams reasoning_content the provider turns into reasoning, before the text", async () => {
    fake.setScript({ reasoning: "The person greets me.", text: "Hello!", format: "legacy" });
    const seen = await runLoop(fake.url, { prompt: "Hi", tools: undefined });
    expect(seen).toMatchObject({ reasoning: "The person greets me.", text: "Hello!", toolCalls: [], errors: [] });
  });

  it("answers the text at once when the scripted calls' results are already in this turn's prompt", async () => {
    fake.setScript({ text: "Done.", toolCalls: [{ name: "weather", arguments: { city: "Oslo" } }] });
    const seen = await runLoop(fake.url, { prompt: "Again?", tools: { weather }, steps: 1 });
    expect(seen.toolCalls).toHaveLength(1);
    // A later question in the same conversation calls the tools again: only results after the last user message count.
    const messages = [
      { role: "user", content: "Weather?" },
      { role: "assistant", content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "weather", arguments: "{}" } }] },
      { role: "tool", content: "{}", tool_call_id: "c1" },
    ];
    const call = (more: object[]) =>
      restBinding(fake.url).run("@cf/meta/llama-4-scout-17b-16e-instruct", { messages: [...messages, ...more], stream: false });
    expect(await call([])).toEqual({ response: "Done.", usage: expect.anything() });
    expect(await call([{ role: "user", content: "And now?" }])).toMatchObject({ choices: [{ finish_reason: "tool_calls" }] });
  });
});

describe("the local engine's tool calls, through the provider", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine({ port: 0, textModelPath: await ensureTestTextModel(), download: false });
    await waitFor(async () => ((await json(fetch(statusUrl(engine.url)))).ready ? true : undefined));
  });
  afterAll(() => engine.close());

  // Bounded strings: the random-weight test model never chooses to close a string by itself.
  const lookup = tool({
    description: "Look up a forecast",
    inputSchema: z.object({ city: z.string().max(12), unit: z.enum(["c", "f"]), days: z.number().int(), rain: z.boolean().optional() }),
    execute: async (input) => ({ forecast: "sunny", ...input }),
  });
  const clock = tool({ description: "The time now", inputSchema: z.object({}), execute: async () => ({ now: "12:00" }) });

  it("makes a valid call of the named function when the choice is forced, and answers on after its result", async () => {
    const seen = await runLoop(engine.url, {
      prompt: "What is the forecast?",
      tools: { lookup, clock },
      toolChoice: { type: "tool", toolName: "lookup" },
      // After the call, let the model answer: the result must be in its prompt, and text come back.
      prepareStep: ({ stepNumber }) => (stepNumber > 0 ? { toolChoice: "none" } : {}),
      maxOutputTokens: 96,
    });
    // The AI SDK checks the input against the tool's schema: an invalid call would be a tool error.
    expect(seen.errors).toEqual([]);
    expect(seen.toolCalls).toHaveLength(1);
    expect(seen.toolCalls[0].toolName).toBe("lookup");
    expect(seen.toolResults).toEqual([expect.objectContaining({ forecast: "sunny" })]);
    expect(seen.stepFinishes[0]).toBe("tool-calls");
    expect(seen.text.length).toBeGreaterThan(0);
  });

  it('makes a valid call of one of the functions under "required", including one that takes no arguments', async () => {
    const seen = await runLoop(engine.url, { prompt: "Go", tools: { clock }, toolChoice: "required", steps: 1, maxOutputTokens: 64 });
    expect(seen.errors).toEqual([]);
    expect(seen.toolCalls).toEqual([{ toolName: "clock", input: {} }]);
    const both = await runLoop(engine.url, {
      prompt: "Go",
      tools: { lookup, clock },
      toolChoice: "required",
      steps: 1,
      maxOutputTokens: 96,
    });
    expect(both.errors).toEqual([]);
    expect(["lookup", "clock"]).toContain(both.toolCalls[0]?.toolName);
  });

  it("answers text when the model is free to choose (the test model never calls)", async () => {
    const seen = await runLoop(engine.url, { prompt: "Hi", tools: { lookup }, steps: 1, maxOutputTokens: 16 });
    expect(seen).toMatchObject({ toolCalls: [], errors: [] });
    expect(seen.text.length).toBeGreaterThan(0);
  });
});
