import { Link } from "wouter";
import type { VisionThread } from "../../contract/vision-api";
import { imageUrl } from "./api";

/** The person's vision threads, newest first, so they can come back to one after a reload. */
export function ThreadList({ threads, currentId }: { threads: VisionThread[]; currentId?: string }) {
  return (
    <nav aria-label="Vision threads" className="flex flex-col gap-1">
      <Link href="/vision" className="rounded-md px-2 py-1.5 text-sm font-medium hover:bg-muted">
        + New image
      </Link>
      {threads.length === 0 && <p className="px-2 text-sm text-muted-foreground">No threads yet.</p>}
      <ul className="flex flex-col gap-1">
        {threads.map((t) => (
          <li key={t.id}>
            <Link
              href={`/vision/${t.id}`}
              aria-current={t.id === currentId ? "page" : undefined}
              className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${t.id === currentId ? "bg-muted font-medium" : "hover:bg-muted dark:hover:bg-muted/60"}`}
            >
              <img src={imageUrl(t.imageId)} alt="" className="size-8 shrink-0 rounded object-cover" loading="lazy" />
              <span className="truncate">{t.title}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
