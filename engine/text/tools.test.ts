import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearEngineEnv, json, post, runUrl, sseData, statusUrl, waitFor } from "../fixtures/http";
import { ensureTestTextModel } from "../fixtures/test-model";
import { type Engine, startEngine } from "../server";

/**
 * The engine's answers when a request carries `tools`, in Workers AI's wire shapes (what the
 * provider parses is checked in workers-ai-provider.test.ts). The generated test model has random
 * weights: it calls a function only when the choice is forced, so that is what is tested here.
 */

clearEngineEnv();

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine({ port: 0, textModelPath: await ensureTestTextModel(), download: false });
  await waitFor(async () => ((await json(fetch(statusUrl(engine.url)))).ready ? true : undefined));
});
afterAll(() => engine.close());

const forecast = {
  type: "function",
  function: {
    name: "forecast",
    description: "The weather forecast for a city",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string", maxLength: 10 },
        unit: { type: "string", enum: ["c", "f"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
      },
      required: ["city", "unit", "days"],
      additionalProperties: false,
    },
  },
};
const clock = { type: "function", function: { name: "clock", parameters: { type: "object", properties: {} } } };
// Each brace and quote is a byte token of its own for the test model: a call takes about 80 tokens.
const ask = { messages: [{ role: "user", content: "Forecast for Oslo?" }], max_tokens: 256, seed: 1 };
const events = async (res: Response) => sseData(await res.text()).map((data) => (data === "[DONE]" ? data : JSON.parse(data)));

describe("a forced tool choice", () => {
  it("streams one valid call in the OpenAI-style shape, with finish reason tool_calls", async () => {
    const res = await post(runUrl(engine.url), {
      ...ask,
      tools: [forecast, clock],
      tool_choice: { type: "function", function: { name: "forecast" } },
      stream: true,
    });
    expect(res.status).toBe(200);
    const all = await events(res);
    expect(all.at(-1)).toBe("[DONE]");
    const calls = all.flatMap((e) => e.choices?.[0]?.delta?.tool_calls ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^chatcmpl-tool-/),
        type: "function",
        function: { name: "forecast", arguments: expect.any(String) },
      },
    ]);
    const args = JSON.parse(calls[0].function.arguments);
    expect(Object.keys(args).sort()).toEqual(["city", "days", "unit"]);
    expect(typeof args.city === "string" && args.city.length <= 10).toBe(true);
    expect(["c", "f"]).toContain(args.unit);
    // A small integer range becomes the list of its values: the grammar has no minimum or maximum.
    expect(args.days >= 1 && args.days <= 7 && Number.isInteger(args.days)).toBe(true);
    // The call is not also shown as text, and the stream says why it ended.
    expect(all.some((e) => e.choices?.[0]?.delta?.content || e.response)).toBe(false);
    expect(all.find((e) => e.choices?.[0]?.finish_reason)?.choices[0].finish_reason).toBe("tool_calls");
    expect(all.at(-2).usage.completion_tokens).toBeGreaterThan(0);
  });

  it('answers whole in the choices shape, and "required" picks among all the tools', async () => {
    const body = await json(post(runUrl(engine.url), { ...ask, tools: [clock], tool_choice: "required" }));
    expect(body.success).toBe(true);
    expect(body.result.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { role: "assistant", content: "" } });
    expect(body.result.choices[0].message.tool_calls).toEqual([
      { id: expect.any(String), type: "function", function: { name: "clock", arguments: "{}" } },
    ]);
  });

  it("hands on a call cut off by max_tokens as the text it is, finish reason length, never as a broken call", async () => {
    const all = await events(
      await post(runUrl(engine.url), { ...ask, max_tokens: 20, tools: [forecast], tool_choice: "required", stream: true }),
    );
    expect(all.some((e) => e.choices?.[0]?.delta?.tool_calls)).toBe(false);
    expect(all.map((e) => e.choices?.[0]?.delta?.content ?? "").join("")).toMatch(/^\{\s*"name"/);
    expect(all.find((e) => e.choices?.[0]?.finish_reason)?.choices[0].finish_reason).toBe("length");
  });

  it("refuses a choice that names a function it was not given, or asks for a call with no tools", async () => {
    const unknown = await post(runUrl(engine.url), {
      ...ask,
      tools: [clock],
      tool_choice: { type: "function", function: { name: "forecast" } },
    });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).errors[0]).toMatchObject({ code: 5004, message: expect.stringContaining("forecast") });
    const none = await post(runUrl(engine.url), { ...ask, tool_choice: "required" });
    expect(none.status).toBe(400);
  });
});

describe("tool results and unforced choices", () => {
  const calledAndAnswered = [
    { role: "user", content: "Forecast for Oslo?" },
    {
      role: "assistant",
      content: "",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "forecast", arguments: '{"city":"oslo"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", name: "forecast", content: '{"sky":"sunny and warm all week long in the city"}' },
  ];

  it("feeds a tool result to the model and answers on in text", async () => {
    const withResult = await json(post(runUrl(engine.url), { messages: calledAndAnswered, tools: [forecast], max_tokens: 8, seed: 1 }));
    expect(withResult.success).toBe(true);
    expect(withResult.result.choices[0].finish_reason).toBe("length");
    expect(withResult.result.choices[0].message.content.length).toBeGreaterThan(0);
    // The result's words are in the prompt the model read.
    const shorter = calledAndAnswered.map((m) => (m.role === "tool" ? { ...m, content: "{}" } : m));
    const without = await json(post(runUrl(engine.url), { messages: shorter, tools: [forecast], max_tokens: 8, seed: 1 }));
    expect(withResult.result.usage.prompt_tokens).toBeGreaterThan(without.result.usage.prompt_tokens + 5);
  });

  it("streams text in the OpenAI-style shape when tools are offered and the model does not call one", async () => {
    const all = await events(await post(runUrl(engine.url), { ...ask, max_tokens: 6, tools: [forecast], stream: true }));
    expect(all.filter((e) => e.choices?.[0]?.delta?.content).length).toBeGreaterThan(0);
    expect(all.find((e) => e.choices?.[0]?.finish_reason)?.choices[0].finish_reason).toBe("length");
    expect(all.at(-2).usage.completion_tokens).toBe(6);
  });

  it('answers exactly as before without tools, or with tool_choice "none"', async () => {
    for (const extra of [{}, { tools: [forecast], tool_choice: "none" }]) {
      const all = await events(await post(runUrl(engine.url), { ...ask, max_tokens: 6, stream: true, ...extra }));
      expect(all.at(-1)).toBe("[DONE]");
      const frames = all.slice(0, -1);
      expect(frames.every((e) => Object.keys(e).join() === "response" || Object.keys(e).join() === "response,usage")).toBe(true);
      const whole = await json(post(runUrl(engine.url), { ...ask, max_tokens: 6, ...extra }));
      expect(Object.keys(whole.result).sort()).toEqual(["response", "usage"]);
    }
  });
});
