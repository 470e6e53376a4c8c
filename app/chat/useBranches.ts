import { useCallback, useState } from "react";
import type { ConversationDetail } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { getConversation, request } from "../api";

/** Where a message stands among its versions, for the switcher; undefined when it has none. */
export interface Versions {
  index: number;
  count: number;
}

/**
 * The versions of the messages on screen (the server keeps the tree: worker/store/conversations/conversation-tree.ts).
 * Switching asks the server, which remembers the branch on screen and answers it: the page shows
 * that branch, and the next question is asked on it.
 */
export function useBranches(id: string, initial: Record<string, string[]> | undefined, setMessages: (messages: ChatMessage[]) => void) {
  const [siblings, setSiblings] = useState(initial ?? {});
  const [problem, setProblem] = useState<string>();

  const versionsOf = useCallback(
    (messageId: string): Versions | undefined => {
      const list = siblings[messageId];
      return list && list.length > 1 ? { index: list.indexOf(messageId) + 1, count: list.length } : undefined;
    },
    [siblings],
  );

  /** After an answer (a regenerate or an edit made a new version): the versions as the server has them now. */
  const refresh = useCallback(() => {
    getConversation(id).then(
      (detail) => setSiblings(detail.siblings ?? {}),
      () => undefined, // the switcher keeps what it had; the next load corrects it
    );
  }, [id]);

  /** Puts the branch holding this message on screen (as the server picks it: the last one seen below it). */
  const show = useCallback(
    async (messageId: string) => {
      try {
        const detail = await request<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}/branch`, {
          method: "POST",
          body: JSON.stringify({ messageId }),
        });
        setMessages(detail.messages);
        setSiblings(detail.siblings ?? {});
        setProblem(undefined);
      } catch (error) {
        setProblem(`That version could not be shown: ${(error as Error).message}`);
      }
    },
    [id, setMessages],
  );

  const switchVersion = useCallback(
    async (messageId: string, delta: -1 | 1) => {
      const list = siblings[messageId];
      const target = list?.[list.indexOf(messageId) + delta];
      if (target) await show(target);
    },
    [siblings, show],
  );

  return { versionsOf, refresh, switchVersion, show, problem };
}
