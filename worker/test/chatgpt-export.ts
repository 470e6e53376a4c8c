/**
 * A ChatGPT `conversations.json`, written by hand from its documented shape: an array of
 * conversations, each a `mapping` of nodes { id, message, parent, children } and the
 * `current_node` on screen. Messages carry `author.role`, `content.content_type` and
 * `content.parts`, `create_time` in seconds, and `metadata.model_slug`.
 *
 * "Trip to Lisbon" branches twice: the first answer was regenerated (a1b), and the second question
 * was edited (u2-edit); the branch on screen ends at a2. On it: a hidden system message, a tool
 * message, and an answer with an image pointer beside its text.
 */
const node = (id: string, parent: string | null, children: string[], message: Record<string, unknown> | null) => ({
  id,
  parent,
  children,
  message: message && { id, ...message },
});
const text = (role: string, parts: unknown[], extra: Record<string, unknown> = {}) => ({
  author: { role, name: null, metadata: {} },
  create_time: 1_700_000_000.25,
  update_time: null,
  content: { content_type: "text", parts },
  status: "finished_successfully",
  weight: 1,
  recipient: "all",
  ...extra,
});

export const CHATGPT_EXPORT = [
  {
    title: "Trip to Lisbon",
    create_time: 1_700_000_000.1,
    update_time: 1_700_000_100.9,
    mapping: {
      "root-1": node("root-1", null, ["sys-1"], null),
      "sys-1": node("sys-1", "root-1", ["u1"], text("system", [""], { metadata: { is_visually_hidden_from_conversation: true } })),
      u1: node("u1", "sys-1", ["a1", "a1b"], text("user", ["Plan three days in Lisbon"])),
      a1: node("a1", "u1", ["u2", "u2-edit"], text("assistant", ["Day 1: Alfama and the castle."], { metadata: { model_slug: "gpt-4o" } })),
      a1b: node("a1b", "u1", [], text("assistant", ["An earlier answer, regenerated away."], { metadata: { model_slug: "gpt-4o" } })),
      u2: node("u2", "a1", ["t1"], text("user", ["Add a day trip"])),
      "u2-edit": node("u2-edit", "a1", [], text("user", ["Add two day trips"])),
      t1: node("t1", "u2", ["a2"], text("tool", ["search results"], { author: { role: "tool", name: "browser" } })),
      a2: node("a2", "t1", [], {
        ...text("assistant", []),
        content: {
          content_type: "multimodal_text",
          parts: [
            "Sintra is a good day trip.",
            { content_type: "image_asset_pointer", asset_pointer: "file-service://file-abc", width: 512, height: 512 },
          ],
        },
        metadata: { model_slug: "gpt-4o-mini" },
      }),
    },
    moderation_results: [],
    current_node: "a2",
    conversation_id: "6f1c1d52-1111-2222-3333-444455556666",
    id: "6f1c1d52-1111-2222-3333-444455556666",
  },
  {
    title: null,
    create_time: 1_700_000_200,
    mapping: {
      r: node("r", null, ["q"], null),
      q: node("q", "r", ["ans"], text("user", ["What is 2 + 2?"])),
      ans: node("ans", "q", [], text("assistant", ["4"])),
    },
    // No current_node: the newest leaf is the one shown.
    id: "7a2b",
  },
];
