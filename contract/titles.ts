import { findChatModel } from "./models";

/**
 * The small fast catalog model that names a conversation after its first answer (worker/store/
 * model-title.ts). Priced like every model, from the catalog entry this must name.
 */
export const TITLE_MODEL = "@cf/meta/llama-3.2-1b-instruct";

/** A title longer than this is cut at a word boundary. */
export const MAX_MODEL_TITLE_CHARS = 60;

if (!findChatModel(TITLE_MODEL)) throw new Error(`The title model ${TITLE_MODEL} is not in the chat catalog.`);
