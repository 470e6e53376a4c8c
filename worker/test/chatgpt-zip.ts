import { strToU8, zipSync, type Zippable } from "fflate";

/**
 * A ChatGPT data export as it arrives: a zip with conversations.json (an array of conversations,
 * each a `mapping` tree), chat.html, user.json, message_feedback.json, and the conversations'
 * photos and files under their own names. `photoBytes` of random (incompressible) bytes make the
 * zip as large as real exports are; `empty` and `imagesOnly` add conversations that cannot be
 * imported (no messages; only a photo), to see them skipped with their reasons.
 */
export function chatGptZip(options: { conversations: number; photoBytes: number; empty?: number; imagesOnly?: number }): Uint8Array {
  const conversations: unknown[] = [];
  for (let i = 0; i < options.conversations; i++) conversations.push(textConversation(i));
  for (let i = 0; i < (options.empty ?? 0); i++)
    conversations.push({
      id: `empty-${i}`,
      title: `Empty ${i + 1}`,
      mapping: { root: { id: "root", parent: null, children: [], message: null } },
      current_node: "root",
    });
  for (let i = 0; i < (options.imagesOnly ?? 0); i++) conversations.push(imageOnlyConversation(i));

  const files: Zippable = {
    "conversations.json": strToU8(JSON.stringify(conversations)),
    "user.json": strToU8(JSON.stringify({ id: "user-abc", email: "someone@example.com" })),
    "message_feedback.json": strToU8("[]"),
    "chat.html": strToU8("<html><body>The same conversations as a page.</body></html>"),
  };
  // Photos are stored as they are (already compressed), as ChatGPT's zip does.
  const photo = 4_000_000;
  for (let n = 0, left = options.photoBytes; left > 0; n++, left -= photo)
    files[`file-${n}-photo.png`] = [randomBytes(Math.min(photo, left)), { level: 0 }];
  files["dalle-generations/file-gen.webp"] = [randomBytes(1000), { level: 0 }];
  return zipSync(files, { level: 6 });
}

export const chatGptTitle = (i: number) => `Imported chat ${String(i + 1).padStart(3, "0")}`;

function textConversation(i: number) {
  const at = 1_700_000_000 + i * 100;
  const message = (id: string, role: string, text: string, extra: Record<string, unknown> = {}) => ({
    id,
    author: { role, name: null, metadata: {} },
    create_time: at,
    update_time: null,
    content: { content_type: "text", parts: [text] },
    status: "finished_successfully",
    end_turn: true,
    weight: 1,
    metadata: { model_slug: "gpt-4o", request_id: `req-${i}`, timestamp_: "absolute", ...extra },
    recipient: "all",
  });
  return {
    id: `conv-${i}-6f1c1d52-1111-2222-3333`,
    conversation_id: `conv-${i}-6f1c1d52-1111-2222-3333`,
    title: chatGptTitle(i),
    create_time: at,
    update_time: at + 50,
    mapping: {
      [`root-${i}`]: { id: `root-${i}`, message: null, parent: null, children: [`u-${i}`] },
      [`u-${i}`]: {
        id: `u-${i}`,
        message: message(`u-${i}`, "user", `Question number ${i + 1}?`),
        parent: `root-${i}`,
        children: [`a-${i}`],
      },
      [`a-${i}`]: { id: `a-${i}`, message: message(`a-${i}`, "assistant", `Answer number ${i + 1}.`), parent: `u-${i}`, children: [] },
    },
    moderation_results: [],
    current_node: `a-${i}`,
    plugin_ids: null,
    default_model_slug: "gpt-4o",
  };
}

function imageOnlyConversation(i: number) {
  return {
    id: `photo-${i}`,
    title: `Only a photo ${i + 1}`,
    mapping: {
      root: { id: "root", parent: null, children: ["p"], message: null },
      p: {
        id: "p",
        parent: "root",
        children: [],
        message: {
          id: "p",
          author: { role: "user" },
          create_time: 1_700_000_000,
          content: {
            content_type: "multimodal_text",
            parts: [{ content_type: "image_asset_pointer", asset_pointer: "file-service://file-1" }],
          },
          metadata: {},
        },
      },
    },
    current_node: "p",
  };
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(length, at + 65_536)));
  return bytes;
}
