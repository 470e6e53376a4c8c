import { describe, expect, it } from "vitest";
import type { ConversationDetail } from "../../contract/api";
import { snapshotOf } from "./snapshot";

const detail = (parts: ConversationDetail["messages"][number]["parts"]): ConversationDetail =>
  ({
    conversation: { id: "c".repeat(22), title: "Cat", createdAt: 1, updatedAt: 1, settings: {} },
    messages: [{ id: "m1", role: "user", parts }],
  }) as unknown as ConversationDetail;

describe("a shared snapshot", () => {
  it("keeps a chat photo private and says it was left out", () => {
    const shared = snapshotOf(
      detail([
        { type: "text", text: "What is this?" },
        { type: "file", mediaType: "image/webp", url: "/api/vision/images/abcdefghijklmnopqrstuv" },
      ]),
      5,
    );
    expect(shared.messages[0].text).toBe("What is this?\n\n(a photo not shared)");
    expect(JSON.stringify(shared)).not.toContain("/api/vision/images/");
  });

  it("is the text alone when there is no photo", () => {
    expect(snapshotOf(detail([{ type: "text", text: "Hi" }]), 5).messages[0].text).toBe("Hi");
  });

  it("shows what each tool did and its readable result, in order, never raw JSON or a pending approval", () => {
    const shared = snapshotOf(
      {
        ...detail([]),
        messages: [
          {
            id: "a1",
            role: "assistant",
            parts: [
              { type: "text", text: "Let me work it out." },
              {
                type: "tool-calculate",
                toolCallId: "c1",
                state: "output-available",
                input: { expression: "secret-input 17 * 23" },
                output: { expression: "17 * 23", result: "391" },
              },
              {
                type: "tool-calculate",
                toolCallId: "c2",
                state: "output-error",
                input: { expression: "2 +* 3" },
                errorText: "The expression could not be read.",
              },
              {
                type: "tool-generate_image",
                toolCallId: "c3",
                state: "output-available",
                input: { prompt: "a fox" },
                output: { imageId: "abcdefghijklmnopqrstuv", url: "/api/images/abcdefghijklmnopqrstuv", model: "@cf/x/y", prompt: "a fox" },
              },
              {
                type: "tool-read_web_page",
                toolCallId: "c4",
                state: "approval-requested",
                input: { url: "https://example.com" },
                approval: { id: "ap1" },
              },
              {
                type: "tool-read_web_page",
                toolCallId: "c5",
                state: "output-denied",
                input: { url: "https://example.com" },
                approval: { id: "ap2", approved: false },
              },
              { type: "text", text: "It is 391." },
            ],
          },
        ],
      } as unknown as ConversationDetail,
      5,
    );
    const [message] = shared.messages;
    expect(message.text).toBe("Let me work it out.\n\nIt is 391.");
    expect(message.parts).toEqual([
      { type: "text", text: "Let me work it out." },
      { type: "tool", label: "Calculator", outcome: "done", result: "391" },
      { type: "tool", label: "Calculator", outcome: "failed", result: "The expression could not be read." },
      { type: "tool", label: "Generate image", outcome: "done", image: { prompt: "a fox" } },
      { type: "tool", label: "Read web page", outcome: "not run" },
      { type: "tool", label: "Read web page", outcome: "denied" },
      { type: "text", text: "It is 391." },
    ]);
    const json = JSON.stringify(shared);
    expect(json).not.toContain("secret-input");
    expect(json).not.toContain("/api/images/");
    expect(json).not.toContain("ap1");
  });
});
