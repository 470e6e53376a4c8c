import { findChatModel } from "./models";

/**
 * The small fast catalog model that names a conversation after its first answer (worker/store/
 * model-title.ts). Priced like every model, from the catalog entry this must name.
 */
export const TITLE_MODEL = "@cf/meta/llama-3.2-1b-instruct";

/** What the title model is told; the browser tests' fake Workers AI also recognises a title call by it. */
export const TITLE_INSTRUCTIONS =
  "You name conversations. Reply with a title of two to six words for the conversation below, in its language. " +
  "Reply with the title only: no quotes, no markdown, no punctuation at the end.";

/** A title longer than this is cut at a word boundary. */
export const MAX_MODEL_TITLE_CHARS = 60;

if (!findChatModel(TITLE_MODEL)) throw new Error(`The title model ${TITLE_MODEL} is not in the chat catalog.`);
