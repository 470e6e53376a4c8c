import { randomId } from "../../contract/ids";
import type { UserStoreRpc } from "../store/stub";
import { jsonBytes } from "../store/storage/byte-budget";
import type { PlannedConversation } from "./refused";

/**
 * Writes a checked plan with the store's own calls. Each conversation gets a new id (an import
 * never overwrites or merges into what the person has) and is written whole, in one store call
 * that keeps every message's metadata as it is (a live chat's history save would replace it with
 * the server's). If a write fails, the conversations this import made are deleted again: all or nothing.
 */
export async function writeImport(store: UserStoreRpc, conversations: PlannedConversation[]): Promise<{ id: string; title: string }[]> {
  // Counted in bytes like every message: refused whole, before the first write, when it cannot fit
  // (each conversation's write checks the byte budget again, in the store's transaction).
  await store.checkStorageRoom("This import", importBytes(conversations));
  const written: { id: string; title: string }[] = [];
  try {
    for (const conversation of conversations) {
      const id = randomId();
      await store.importConversation(id, conversation.title, conversation.settings, conversation.messages, conversation.activeLeafId);
      written.push({ id, title: conversation.title });
      if (conversation.place) await store.placeImported(id, conversation.place);
    }
  } catch (error) {
    await Promise.allSettled(written.map(({ id }) => store.deleteConversation(id)));
    throw error;
  }
  return written;
}

/** The message bodies the import would store, as the store counts them (JSON, UTF-8). */
export function importBytes(conversations: PlannedConversation[]): number {
  return conversations.reduce((sum, c) => sum + c.messages.reduce((n, m) => n + jsonBytes(m.message), 0), 0);
}
