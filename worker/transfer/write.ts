import { randomId } from "../http/ids";
import type { UserStoreRpc } from "../store/stub";
import type { PlannedConversation } from "./refused";

/**
 * Writes a checked plan with the store's own calls. Each conversation gets a new id (an import
 * never overwrites or merges into what the person has). saveHistory with no messages creates it;
 * then every message goes through saveAnswer, in order, which appends it with its metadata as it
 * is (saveHistory would replace a message's metadata with the server's, as it must for a live
 * chat). If a write fails, the conversations this import made are deleted again: all or nothing.
 */
export async function writeImport(store: UserStoreRpc, conversations: PlannedConversation[]): Promise<{ id: string; title: string }[]> {
  const written: { id: string; title: string }[] = [];
  try {
    for (const conversation of conversations) {
      const id = randomId();
      await store.saveHistory(id, conversation.settings, []);
      written.push({ id, title: conversation.title });
      for (const message of conversation.messages) await store.saveAnswer(id, message);
      if (conversation.messages.length === 0) await store.abandonAnswer(id);
      await store.updateConversation(id, { title: conversation.title });
    }
  } catch (error) {
    await Promise.allSettled(written.map(({ id }) => store.deleteConversation(id)));
    throw error;
  }
  return written;
}
