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
});
