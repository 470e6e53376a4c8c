import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { streamText } from "ai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWorkersAI } from "workers-ai-provider";
import { handleRun, parseJson, readBody } from "../run";
import type { TextModelManager } from "./manager";
import type { RunHandlers } from "./runner";

/**
 * Thinking pieces (a model whose chat wrapper has thought segments: Qwen3, DeepSeek R1 distills)
 * leave the engine as `reasoning_content` deltas, which workers-ai-provider turns into reasoning
 * parts. The generated test model has no think blocks, so a scripted runner stands in for the child
 * here: what is under test is the engine's wire shape, not the model.
 */

const script = (handlers: RunHandlers) => {
  handlers.onStart(5);
  handlers.onReasoning(["The person ", "greets me."]);
  handlers.onTokens(["Hel", "lo!"]);
  handlers.onDone({ prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 }, "eogToken");
};
const text = {
  current: () => ({ modelFile: "thinker.gguf", run: (_req: unknown, handlers: RunHandlers) => (script(handlers), () => {}) }),
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const model = decodeURIComponent(req.url?.split("/run/")[1] ?? "");
    await handleRun(res, model, parseJson((await readBody(req)).toString("utf8")), text as unknown as TextModelManager);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4/accounts/local/ai`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const binding = {
  async run(model: string, inputs: Record<string, unknown>) {
    const res = await fetch(`${base}/run/${model}`, { method: "POST", body: JSON.stringify(inputs) });
    return inputs.stream ? res.body : ((await res.json()) as { result: unknown }).result;
  },
};

it("streams thinking as reasoning_content before the text, and the provider reads it as reasoning", async () => {
  const result = streamText({ model: createWorkersAI({ binding: binding as never })("@cf/qwen/qwen3-30b-a3b-fp8"), prompt: "Hi" });
  let reasoning = "";
  let answer = "";
  const order: string[] = [];
  for await (const part of result.stream) {
    if (part.type === "reasoning-delta") reasoning += part.text;
    if (part.type === "text-delta") answer += part.text;
    if (part.type === "reasoning-start" || part.type === "text-start") order.push(part.type);
  }
  expect({ reasoning, answer, order }).toEqual({
    reasoning: "The person greets me.",
    answer: "Hello!",
    order: ["reasoning-start", "text-start"],
  });
});

it("answers whole with reasoning_content beside the text", async () => {
  const body = (await binding.run("@cf/qwen/qwen3-30b-a3b-fp8", { messages: [{ role: "user", content: "Hi" }] })) as Record<
    string,
    unknown
  >;
  expect(body).toMatchObject({
    choices: [{ message: { content: "Hello!", reasoning_content: "The person greets me." }, finish_reason: "stop" }],
  });
});
