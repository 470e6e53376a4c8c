import type { TreeMessage } from "../store/conversations/conversation-tree";
import { ImportRefused } from "./refused";

/**
 * A conversation's messages from a file, checked as a tree and put in the order the store writes
 * them (parents before children, versions in file order). Refused whole, with the sentence saying
 * why: a message id used twice, a parent that is not in the file, a loop, a leaf on screen that is
 * not there. Iterative throughout: a tree as deep as the file allows cannot exhaust the stack.
 */
export function orderTree(
  where: string,
  messages: TreeMessage[],
  activeLeafId: string | null | undefined,
): { messages: TreeMessage[]; activeLeafId: string | null } {
  const byId = new Map<string, TreeMessage>();
  for (const item of messages) {
    if (byId.has(item.message.id)) throw new ImportRefused(`${where} uses a message id twice.`);
    byId.set(item.message.id, item);
  }
  const children = new Map<string | null, TreeMessage[]>();
  for (const item of messages) {
    if (item.parentId !== null && !byId.has(item.parentId))
      throw new ImportRefused(`${where} refers to a message “${item.parentId.slice(0, 40)}” that is not in the file.`);
    const list = children.get(item.parentId);
    if (list) list.push(item);
    else children.set(item.parentId, [item]);
  }
  // Breadth first from the first messages: whatever is not reached hangs in a loop.
  const ordered: TreeMessage[] = [];
  const queue = [...(children.get(null) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    ordered.push(queue[i]);
    queue.push(...(children.get(queue[i].message.id) ?? []));
  }
  if (ordered.length !== messages.length) throw new ImportRefused(`${where} has a loop in its message tree.`);
  if (activeLeafId != null && !byId.has(activeLeafId))
    throw new ImportRefused(`${where} refers to a message “${activeLeafId.slice(0, 40)}” that is not in the file.`);
  return { messages: ordered, activeLeafId: activeLeafId ?? null };
}

/** Messages of a file without parent ids (version 1): one chain, in file order. */
export function chain(messages: TreeMessage["message"][]): TreeMessage[] {
  return messages.map((message, i) => ({ message, parentId: i ? messages[i - 1].id : null }));
}
