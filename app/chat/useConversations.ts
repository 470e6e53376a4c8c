import { useCallback, useEffect, useState } from "react";
import type { Conversation } from "../../contract/api";
import { listConversations } from "../api";

/**
 * The sidebar list, reloaded on demand (new chat, finished answer, rename), and the search box's
 * words: while there are any, the sidebar shows search results instead (app/search/).
 */
export function useConversations() {
  const [query, setQuery] = useState("");
  const [version, setVersion] = useState(0);
  const [conversations, setConversations] = useState<Conversation[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const controller = new AbortController();
    listConversations("", controller.signal).then(
      (list) => {
        setConversations(list);
        setError(undefined);
      },
      (e: Error) => controller.signal.aborted || setError(e.message),
    );
    return () => controller.abort();
  }, [version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { conversations, error, query, setQuery, refresh };
}
