import { describe, expect, it } from "vitest";
import { chatHistory, withSystemText } from "./chat-history";

describe("Workers AI's messages as node-llama-cpp's chat history", () => {
  const call = (id: string, name: string, args: string) => ({ id, name, arguments: args });

  it("puts each tool result on the call it answers (by id), in the response that made the calls, and goes on with it", () => {
    const history = chatHistory([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris and Rome?" },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [call("a", "weather", '{"city":"Paris"}'), call("b", "weather", '{"city":"Rome"}')],
      },
      { role: "tool", toolCallId: "b", name: "weather", content: '{"sky":"rain"}' },
      { role: "tool", toolCallId: "a", name: "weather", content: "not json" },
    ]);
    expect(history).toEqual([
      { type: "system", text: "Be brief." },
      { type: "user", text: "Weather in Paris and Rome?" },
      {
        type: "model",
        response: [
          "Checking.",
          { type: "functionCall", name: "weather", params: { city: "Paris" }, result: "not json" },
          { type: "functionCall", name: "weather", params: { city: "Rome" }, result: { sky: "rain" } },
        ],
      },
    ]);
  });

  it("keeps a multi-step answer in one response, and starts a new one after a new question", () => {
    const history = chatHistory([
      { role: "user", content: "Q1" },
      { role: "assistant", content: "", toolCalls: [call("a", "f", "{}")] },
      { role: "tool", toolCallId: "a", content: "1" },
      { role: "assistant", content: "", toolCalls: [call("b", "g", "{}")] },
      { role: "tool", toolCallId: "b", content: "2" },
      { role: "assistant", content: "Done." },
      { role: "user", content: "Q2" },
    ]);
    expect(history.map((item) => item.type)).toEqual(["user", "model", "user", "model"]);
    expect(history[1]).toEqual({
      type: "model",
      response: [
        { type: "functionCall", name: "f", params: {}, result: 1 },
        { type: "functionCall", name: "g", params: {}, result: 2 },
        "Done.",
      ],
    });
    expect(history[3]).toEqual({ type: "model", response: [] });
  });

  it("matches results without ids by name, and tells the model about a result no call asked for", () => {
    const history = chatHistory([
      { role: "user", content: "Q" },
      {
        role: "assistant",
        content: "",
        toolCalls: [
          { name: "f", arguments: "{}" },
          { name: "g", arguments: "{}" },
        ],
      },
      { role: "tool", name: "g", content: "from g" },
      { role: "tool", name: "f", content: "from f" },
      { role: "tool", name: "h", content: "stray" },
    ]);
    expect(history[1]).toMatchObject({
      response: [
        { name: "f", result: "from f" },
        { name: "g", result: "from g" },
      ],
    });
    expect(history[2]).toEqual({ type: "user", text: "Result of h: stray" });
    expect(history[3]).toEqual({ type: "model", response: [] });
  });

  it("is unchanged for a conversation without tools", () => {
    expect(
      chatHistory([
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Bye" },
      ]),
    ).toEqual([
      { type: "user", text: "Hi" },
      { type: "model", response: ["Hello"] },
      { type: "user", text: "Bye" },
      { type: "model", response: [] },
    ]);
  });

  it("adds instructions to the first system message, or as one of their own", () => {
    expect(
      withSystemText(
        [
          { type: "system", text: "A" },
          { type: "user", text: "Q" },
        ],
        "B",
      )[0],
    ).toEqual({ type: "system", text: "A\n\nB" });
    expect(withSystemText([{ type: "user", text: "Q" }], "B")).toEqual([
      { type: "system", text: "B" },
      { type: "user", text: "Q" },
    ]);
  });
});
