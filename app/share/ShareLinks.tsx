import { useEffect, useState } from "react";
import type { ShareLink } from "../../contract/share-api";
import { conversationPath } from "../chat/ids";
import { smallButton } from "../ui/styles";
import { listShares, shareUrl, stopSharing } from "./api";

/** Every link the person has made, in one list, each with Stop sharing. */
export function ShareLinks() {
  const [links, setLinks] = useState<ShareLink[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    listShares().then(
      (list) => live && setLinks(list),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, []);

  const stop = (link: ShareLink) =>
    stopSharing(link.token).then(
      () => setLinks((current) => current?.filter((l) => l.token !== link.token)),
      (e: Error) => setError(`Could not stop sharing: ${e.message}`),
    );

  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading" className="text-base font-semibold">
        Shared links
      </h2>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {links?.length === 0 && <p className="mt-2 text-sm text-muted-foreground">You are not sharing any conversation.</p>}
      {links && links.length > 0 && (
        <ul aria-label="Shared links" className="mt-2 divide-y divide-border rounded-lg border border-border">
          {links.map((link) => (
            <li key={link.token} aria-label={link.title} className="flex flex-wrap items-center gap-2 px-3 py-2">
              <a href={conversationPath(link.conversationId)} className="min-w-0 flex-1 truncate text-sm font-medium hover:underline">
                {link.title}
              </a>
              <span className="text-xs text-muted-foreground">updated {new Date(link.updatedAt).toLocaleString()}</span>
              <a href={shareUrl(link.token)} target="_blank" rel="noreferrer" className={smallButton}>
                Open link
              </a>
              <button type="button" className={smallButton} onClick={() => void stop(link)} aria-label={`Stop sharing ${link.title}`}>
                Stop sharing
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
