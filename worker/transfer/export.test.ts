import { describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import { conversationMarkdown } from "./export";

const answer = (parts: unknown[]): ConversationDetail =>
  ({
    conversation: { id: "c".repeat(22), title: "Sums", createdAt: 1, updatedAt: 1, settings: {} },
    messages: [
      { id: "q1", role: "user", parts: [{ type: "text", text: "What is 17 * 23?" }] },
      { id: "a1", role: "assistant", parts },
    ],
  }) as unknown as ConversationDetail;

describe("the Markdown export of an answer that used tools", () => {
  it("puts each tool call in its own block where it happened, with its input and readable result", () => {
    const md = conversationMarkdown(
      answer([
        { type: "text", text: "Working it out." },
        {
          type: "tool-calculate",
          toolCallId: "c1",
          state: "output-available",
          input: { expression: "17 * 23" },
          output: { result: "391" },
        },
        { type: "text", text: "It is 391." },
      ]),
    );
    expect(md).toContain("Working it out.\n\n> **Tool: Calculator**\n> Input: `expression: 17 * 23`\n> Result:\n>\n> 391\n\nIt is 391.");
  });

  it("says a call failed, was denied, waited for approval or made an image, without the gallery's address", () => {
    const md = conversationMarkdown(
      answer([
        {
          type: "tool-calculate",
          toolCallId: "c1",
          state: "output-error",
          input: { expression: "2 +* 3" },
          errorText: "The expression could not be read.",
        },
        {
          type: "tool-read_web_page",
          toolCallId: "c2",
          state: "output-denied",
          input: { url: "https://example.com" },
          approval: { id: "a", approved: false },
        },
        {
          type: "tool-read_web_page",
          toolCallId: "c3",
          state: "approval-requested",
          input: { url: "https://example.org" },
          approval: { id: "b" },
        },
        {
          type: "tool-generate_image",
          toolCallId: "c4",
          state: "output-available",
          input: { prompt: "a fox" },
          output: { imageId: "abcdefghijklmnopqrstuv", url: "/api/images/abcdefghijklmnopqrstuv", model: "m", prompt: "a fox" },
        },
      ]),
    );
    expect(md).toContain("> Failed: The expression could not be read.");
    expect(md).toContain("> **Tool: Read web page**\n> Input: `url: https://example.com`\n> Denied.");
    expect(md).toContain("> Not run (it waited for approval).");
    expect(md).toContain("> Generated an image: a fox (in the gallery).");
    expect(md).not.toContain("/api/images/");
  });

  it("shows structured output it cannot read as text as a JSON block", () => {
    const md = conversationMarkdown(
      answer([
        {
          type: "dynamic-tool",
          toolName: "mcp_abc123_lookup",
          toolCallId: "c1",
          state: "output-available",
          input: {},
          output: { rows: [1, 2] },
        },
      ]),
    );
    expect(md).toContain("> **Tool: mcp_abc123_lookup**\n> Result:\n>\n> ```json");
    expect(md).toContain('>   "rows": [');
  });
});
