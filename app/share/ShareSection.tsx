import { useEffect, useState } from "react";
import type { ShareLink } from "../../contract/share-api";
import { button, dangerButton, input, primaryButton } from "../ui/styles";
import { listShares, shareConversation, shareUrl, stopSharing } from "./api";

type State = { state: "loading" } | { state: "ready"; link: ShareLink | null } | { state: "failed"; message: string };

/**
 * Share one conversation: make a link (copied at once), copy it again, re-snapshot it ("Update
 * link"), or stop sharing, which takes effect immediately.
 */
export function ShareSection({ conversationId }: { conversationId: string }) {
  const [share, setShare] = useState<State>({ state: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    let live = true;
    listShares().then(
      (links) => live && setShare({ state: "ready", link: links.find((l) => l.conversationId === conversationId) ?? null }),
      (e: Error) => live && setShare({ state: "failed", message: e.message }),
    );
    return () => {
      live = false;
    };
  }, [conversationId]);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      setNotice(await action());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const copy = async (link: ShareLink) => {
    try {
      await navigator.clipboard.writeText(shareUrl(link.token));
      return "Link copied.";
    } catch {
      return "The link is ready; copy it from the box above.";
    }
  };

  const create = () =>
    run(async () => {
      const link = await shareConversation(conversationId);
      setShare({ state: "ready", link });
      return copy(link);
    });
  const update = () =>
    run(async () => {
      setShare({ state: "ready", link: await shareConversation(conversationId) });
      return "Link updated: it now shows the conversation as it is.";
    });
  const stop = (link: ShareLink) =>
    run(async () => {
      await stopSharing(link.token);
      setShare({ state: "ready", link: null });
      return "Stopped sharing: the link no longer opens.";
    });

  return (
    <section aria-labelledby="share-heading">
      <h3 id="share-heading" className="text-sm font-semibold">
        Share
      </h3>
      <p className="mt-1 text-sm text-muted-foreground">
        Anyone with the link sees the messages as they were when you shared or last updated it, and the models' names; not your settings or
        system prompt.
      </p>
      {share.state === "loading" && (
        <p role="status" className="mt-3 text-sm text-muted-foreground">
          Checking for a link…
        </p>
      )}
      {share.state === "failed" && (
        <p role="alert" className="mt-3 text-sm text-destructive">
          {share.message}
        </p>
      )}
      {share.state === "ready" && !share.link && (
        <button type="button" className={`${primaryButton} mt-3`} disabled={busy} onClick={() => void create()}>
          Create and copy link
        </button>
      )}
      {share.state === "ready" && share.link && (
        <div className="mt-3 space-y-2">
          <label htmlFor="share-url" className="text-sm font-medium">
            Share link
          </label>
          <input id="share-url" className={input} readOnly value={shareUrl(share.link.token)} onFocus={(e) => e.target.select()} />
          <div className="flex flex-wrap gap-2">
            <button type="button" className={primaryButton} disabled={busy} onClick={() => void run(() => copy(share.link!))}>
              Copy link
            </button>
            <button type="button" className={button} disabled={busy} onClick={() => void update()}>
              Update link
            </button>
            <button type="button" className={dangerButton} disabled={busy} onClick={() => void stop(share.link!)}>
              Stop sharing
            </button>
          </div>
        </div>
      )}
      <p role="status" className="mt-2 min-h-5 text-sm text-muted-foreground">
        {notice}
      </p>
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </section>
  );
}
