import { useState } from "react";
import { Link } from "wouter";
import type { VisionThread } from "../../contract/vision-api";
import { PencilIcon, RenameField } from "../ui/RenameField";
import { input, smallButton } from "../ui/styles";
import { imageUrl } from "./api";

interface Props {
  threads: VisionThread[];
  currentId?: string;
  query: string;
  onQueryChange: (query: string) => void;
  onRename: (thread: VisionThread, title: string) => void;
}

/** The person's vision threads, newest first, so they can come back to one after a reload; searched and renamed as conversations are. */
export function ThreadList({ threads, currentId, query, onQueryChange, onRename }: Props) {
  const [renamingId, setRenamingId] = useState<string>();
  return (
    <nav aria-label="Vision threads" className="flex flex-col gap-1">
      <Link href="/vision" className="rounded-md px-2 py-1.5 text-sm font-medium hover:bg-muted">
        + New image
      </Link>
      {/* Only when there is something to search: a first visit's page then matches the shell that painted
          before the script (e2e/first-paint.spec.ts), instead of moving the page down on a phone. */}
      {(threads.length > 0 || query) && (
        <>
          <label htmlFor="vision-thread-search" className="sr-only">
            Search vision threads
          </label>
          <input
            id="vision-thread-search"
            type="search"
            className={input}
            placeholder="Search questions and titles"
            value={query}
            onChange={(e) => onQueryChange(e.target.value)}
          />
        </>
      )}
      {threads.length === 0 && (
        <p className="px-2 text-sm text-muted-foreground">{query.trim() ? "No thread matches." : "No threads yet."}</p>
      )}
      <ul className="flex flex-col gap-1">
        {threads.map((t) => (
          <li key={t.id} className="group flex items-center gap-1">
            {renamingId === t.id ? (
              <RenameField
                title={t.title}
                onSave={(title) => {
                  setRenamingId(undefined);
                  if (title.trim() && title.trim() !== t.title) onRename(t, title.trim());
                }}
                onCancel={() => setRenamingId(undefined)}
              />
            ) : (
              <>
                <Link
                  href={`/vision/${t.id}`}
                  aria-current={t.id === currentId ? "page" : undefined}
                  className={`flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm ${t.id === currentId ? "bg-muted font-medium" : "hover:bg-muted dark:hover:bg-muted/60"}`}
                >
                  <img src={imageUrl(t.imageId)} alt="" className="size-8 shrink-0 rounded object-cover" loading="lazy" />
                  <span className="truncate">{t.title}</span>
                </Link>
                {/* Hidden until hover or focus on wide screens; always there on touch screens, which have no hover. */}
                <button
                  type="button"
                  className={`${smallButton} shrink-0 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100`}
                  aria-label={`Rename ${t.title}`}
                  onClick={() => setRenamingId(t.id)}
                >
                  <PencilIcon />
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
