import type { ModelMessage } from "ai";
import { describe, expect, it } from "vitest";
import { findChatModel, findEmbeddingModel } from "../../contract/models";
import type { ChatMessage } from "../../contract/messages";
import { tokenCost } from "../../contract/pricing";
import { estimateUsage, promptTokens } from "./estimate-usage";
import { worstCaseAnswer } from "./answer-cost";
import {
  CALL_OVERHEAD_TOKENS,
  embeddingTokens,
  IMAGE_INPUT_TOKENS,
  ITEM_OVERHEAD_TOKENS,
  modelPromptSize,
  PromptSize,
  rerankTokens,
  utf8Bytes,
} from "./estimate";

const MODEL = "@cf/meta/llama-4-scout-17b-16e-instruct";
const price = findChatModel(MODEL)!.price;
const bytes = (text: string) => new TextEncoder().encode(text).length;
const user = (content: ModelMessage["content"]): ModelMessage => ({ role: "user", content }) as ModelMessage;

describe("utf8Bytes", () => {
  it("counts what TextEncoder writes, for every script, emoji and broken surrogates", () => {
    for (const text of [
      "",
      "hello",
      "é",
      "日本語のテキスト",
      "👍🏽👨‍👩‍👧‍👦",
      "𝄞x",
      "\ud800",
      "a\udc00b",
      "\ud83d",
      "Ωmega\u0000\u{10ffff}",
    ]) {
      expect(utf8Bytes(text), JSON.stringify(text)).toBe(bytes(text));
    }
  });
});

describe("worst-case reservations", () => {
  it("reserve non-Latin and emoji prompts at least at their byte count (about 4 characters a token undercounts them)", () => {
    for (const text of ["🙂".repeat(2_000), "日本語".repeat(1_000), "Привет, мир! ".repeat(300), "مرحبا بالعالم ".repeat(300)]) {
      const reserved = worstCaseAnswer(MODEL, { messages: [user(text)] }, 100);
      expect(reserved, text.slice(0, 10)).toBeGreaterThanOrEqual(tokenCost(price, bytes(text), 100));
      // What the four-characters rule reserved: several times less for these scripts.
      expect(reserved).toBeGreaterThan(2 * tokenCost(price, Math.ceil(text.length / 4), 100));
    }
  });

  it("count instructions, every message, and a template's own tokens around them", () => {
    const instructions = "Be brief.";
    const messages: ModelMessage[] = [user("Hi"), { role: "assistant", content: "Hello" }, user([{ type: "text", text: "More?" }])];
    expect(promptTokens({ instructions, messages })).toBe(CALL_OVERHEAD_TOKENS + 4 * ITEM_OVERHEAD_TOKENS + bytes("Be brief.HiHelloMore?"));
  });

  it("count each image at its published worst case, and never twice when the caller counted it too", () => {
    const image = { type: "file" as const, data: new Uint8Array(3_000_000), mediaType: "image/png" };
    const messages = [user([{ type: "text", text: "Compare" }, image, image])];
    const text = promptTokens({ messages: [user([{ type: "text", text: "Compare" }])] });
    expect(promptTokens({ messages })).toBe(text + 2 * IMAGE_INPUT_TOKENS); // not the image's 3 MB
    const both = worstCaseAnswer(MODEL, { messages }, 10, 2 * IMAGE_INPUT_TOKENS);
    expect(both).toBe(tokenCost(price, text + 2 * IMAGE_INPUT_TOKENS, 10));
    // A caller that counts an image the messages do not carry (yet) still has it counted.
    expect(worstCaseAnswer(MODEL, { messages: [user("Compare")] }, 10, IMAGE_INPUT_TOKENS)).toBe(
      tokenCost(price, promptTokens({ messages: [user("Compare")] }) + IMAGE_INPUT_TOKENS, 10),
    );
  });

  it("count tool calls and tool results as the JSON a template writes", () => {
    const input = { city: "Paris", days: [1, 2, 3] };
    const output = { type: "json" as const, value: { forecast: "Sunny ☀️".repeat(50) } };
    const messages: ModelMessage[] = [
      user("Weather?"),
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "weather", input }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", toolName: "weather", output }] },
    ];
    const withoutTools = promptTokens({ messages: [user("Weather?"), { role: "assistant", content: [] }, { role: "tool", content: [] }] });
    const pretty = (value: unknown) => bytes(JSON.stringify(value, null, 4));
    expect(promptTokens({ messages })).toBe(
      withoutTools + 2 * ITEM_OVERHEAD_TOKENS + 2 * bytes("c1weather") + pretty(input) + pretty(output),
    );
  });

  it("cap the prompt at the model's context window: the model refuses a longer one instead of billing it", () => {
    const model = findChatModel("@cf/meta/llama-3.3-70b-instruct-fp8-fast")!;
    const huge = user("x".repeat(model.contextWindow * 3));
    expect(worstCaseAnswer(model.id, { messages: [huge] }, 50)).toBe(tokenCost(model.price, model.contextWindow, 50));
    const size = new PromptSize(1_000).text("y".repeat(5_000)).json({ big: "z".repeat(10_000_000) });
    expect(size.tokens()).toBe(1_000);
  });
});

describe("usage estimated when the model reports none", () => {
  it("counts the answer so far a token a byte, and the prompt as it was reserved", () => {
    const answer: ChatMessage = {
      id: "a",
      role: "assistant",
      parts: [
        { type: "reasoning", text: "考え中" },
        { type: "text", text: "Ça va 🙂" },
      ],
      metadata: { model: MODEL },
    };
    expect(estimateUsage(1_234, answer)).toEqual({
      inputTokens: 1_234,
      outputTokens: bytes("考え中") + bytes("Ça va 🙂"),
      totalTokens: 1_234 + bytes("考え中Ça va 🙂"),
      estimated: true,
    });
    expect(estimateUsage(10_000_000, answer).inputTokens).toBe(findChatModel(MODEL)!.contextWindow);
  });
});

describe("embeddings and the reranker", () => {
  it("count each input's bytes with the encoder's tokens, cut where the model stops reading", () => {
    const model = findEmbeddingModel("@cf/baai/bge-base-en-v1.5")!;
    expect(embeddingTokens(["héllo"], model.maxInputTokens)).toBe(bytes("héllo") + 4);
    expect(embeddingTokens(["x".repeat(100_000), "y"], model.maxInputTokens)).toBe(model.maxInputTokens + 1 + 4);
    expect(rerankTokens("¿qué?", ["a", "日本"])).toBe(2 * bytes("¿qué?") + bytes("a日本") + 2 * 4);
  });

  it("measure an AI SDK prompt's non-image file by its bytes", () => {
    const pdf = { type: "file" as const, data: new Uint8Array(1_000), mediaType: "application/pdf" };
    expect(modelPromptSize({ messages: [user([pdf])] }).tokens()).toBe(CALL_OVERHEAD_TOKENS + ITEM_OVERHEAD_TOKENS + 1_000);
  });
});
