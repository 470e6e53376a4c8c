import { useEffect, useState } from "react";
import { Link } from "wouter";
import { snippetSegments, type SearchHit } from "../../contract/search";
import { searchMessages } from "../api";
import { messagePath } from "./messagePath";

const SEARCH_DEBOUNCE_MS = 250;

type Found = { state: "searching" } | { state: "done"; hits: SearchHit[] } | { state: "failed"; message: string };

/**
 * The sidebar's search results: messages and titles holding the words, each with a snippet whose
 * matched words are marked. Loaded on demand, when a person first types a search.
 */
export default function SearchResults({ query }: { query: string }) {
  const [found, setFound] = useState<Found>({ state: "searching" });

  useEffect(() => {
    const controller = new AbortController();
    setFound({ state: "searching" });
    const timer = setTimeout(() => {
      searchMessages(query, controller.signal).then(
        (hits) => setFound({ state: "done", hits }),
        (e: Error) => controller.signal.aborted || setFound({ state: "failed", message: e.message }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  if (found.state === "failed") {
    return (
      <p role="alert" className="mx-3 text-xs text-destructive">
        {found.message}
      </p>
    );
  }
  return (
    <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
      <p role="status" className="px-2 pb-1 text-xs text-muted-foreground">
        {found.state === "searching"
          ? "Searching…"
          : found.hits.length === 0
            ? "No conversation matches."
            : `${found.hits.length} ${found.hits.length === 1 ? "match" : "matches"}`}
      </p>
      {found.state === "done" && found.hits.length > 0 && (
        <ul aria-label="Search results" className="space-y-1">
          {found.hits.map((hit) => (
            <li key={`${hit.conversationId}:${hit.messageId ?? ""}`}>
              <Link href={messagePath(hit.conversationId, hit.messageId)} className="block rounded-md px-2 py-1.5 text-sm hover:bg-muted">
                <span className="block truncate font-medium">{hit.conversationTitle}</span>
                <span className="block text-xs text-muted-foreground">
                  {hit.messageId ? (hit.role === "user" ? "You wrote" : "Answer") : "Title"}
                </span>
                <Snippet text={hit.snippet} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Marked words come from splitting on the Worker's markers: the snippet is text, never HTML. */
function Snippet({ text }: { text: string }) {
  return (
    <span className="line-clamp-3 block text-xs text-muted-foreground">
      {snippetSegments(text).map((segment, i) =>
        segment.highlighted ? (
          <mark key={i} className="rounded-sm bg-yellow-200 px-0.5 text-foreground dark:bg-yellow-700">
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </span>
  );
}
