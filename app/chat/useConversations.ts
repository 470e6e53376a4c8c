import { useCallback, useEffect, useState } from "react";
import type { Conversation } from "../../contract/api";
import { listConversations } from "../api";

const SEARCH_DEBOUNCE_MS = 250;

/** The sidebar list: searched by title on the server, reloaded on demand (new chat, finished answer, rename). */
export function useConversations() {
  const [query, setQuery] = useState("");
  const [debouncedQuery, setDebouncedQuery] = useState("");
  const [version, setVersion] = useState(0);
  const [conversations, setConversations] = useState<Conversation[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const timer = setTimeout(() => setDebouncedQuery(query), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    const controller = new AbortController();
    listConversations(debouncedQuery, controller.signal).then(
      (list) => {
        setConversations(list);
        setError(undefined);
      },
      (e: Error) => controller.signal.aborted || setError(e.message),
    );
    return () => controller.abort();
  }, [debouncedQuery, version]);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { conversations, error, query, setQuery, refresh };
}
