import { startTransition, useCallback, useEffect, useRef, useState } from "react";
import type { Conversation, SidebarGroup } from "../../contract/api";
import { listSidebarPage, type SidebarList } from "../api";
import { groupKey, loadSidebar, withPage } from "../projects/sidebar-pages";

/**
 * The sidebar list in pages (each group's first page, more on "Show more"), reloaded on demand (new
 * chat, finished answer, rename), and the search box's words: while there are any, the sidebar
 * shows search results instead (app/search/).
 */
export function useConversations() {
  const [query, setQuery] = useState("");
  const [version, setVersion] = useState(0);
  const [list, setList] = useState<SidebarList>();
  const [error, setError] = useState<string>();
  const listRef = useRef(list);
  listRef.current = list;
  // Rows shown past each group's first page: a reload fetches as many again.
  const extra = useRef(new Map<string, number>());

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refresh: a change fetches again
  useEffect(() => {
    const controller = new AbortController();
    loadSidebar(extra.current, controller.signal).then(
      // A transition: drawing hundreds of rows yields to typing and clicks while it renders.
      (loaded) =>
        startTransition(() => {
          setList(loaded);
          setError(undefined);
        }),
      (e: Error) => controller.signal.aborted || setError(e.message),
    );
    return () => controller.abort();
  }, [version]);

  /** A group's next page; rejects with the sentence to show when it cannot be loaded. */
  const showMore = useCallback(async (projectId: string | null) => {
    const next = listRef.current?.groups.find((g) => groupKey(g.projectId) === groupKey(projectId))?.next;
    if (!next) return;
    const page = await listSidebarPage(projectId, next);
    const key = groupKey(projectId);
    extra.current.set(key, (extra.current.get(key) ?? 0) + page.conversations.length);
    setList((current) => current && withPage(current, projectId, page));
  }, []);

  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const conversations: Conversation[] | undefined = list?.conversations;
  const groups: SidebarGroup[] | undefined = list?.groups;
  return { conversations, groups, error, query, setQuery, refresh, showMore };
}
