import { useEffect, useState } from "react";
import type { SharedMessage, SharedToolRun } from "../../contract/share-api";
import { LazyMarkdown, preloadMarkdown } from "../ui/LazyMarkdown";
import { ThemeToggle } from "../ui/ThemeToggle";
import { readShared, type SharedLoad } from "./api";

/**
 * `/s/<token>`: a shared snapshot, read-only. Rendered by main.tsx instead of the app shell, so the
 * visitor's browser calls nothing but `GET /api/shared/:token` (no status check, no identity).
 * React 19 hoists the <meta> and <title> below into <head>; the API also sends X-Robots-Tag.
 */
export default function SharedPage({ token }: { token: string }) {
  const [load, setLoad] = useState<SharedLoad | undefined>();
  useEffect(() => {
    preloadMarkdown();
    let live = true;
    void readShared(token).then((result) => live && setLoad(result));
    return () => {
      live = false;
    };
  }, [token]);

  return (
    <div className="flex min-h-dvh flex-col">
      <meta name="robots" content="noindex, nofollow" />
      <title>{load?.state === "ready" ? `${load.conversation.title} · shared conversation` : "Shared conversation"}</title>
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-border px-3 sm:px-4">
        <a href="/" className="flex items-center gap-2 rounded-md font-semibold">
          <img src="/favicon.svg" alt="" className="size-6" />
          <span>Workers AI Chat</span>
        </a>
        <div className="ml-auto">
          <ThemeToggle />
        </div>
      </header>
      <main className="mx-auto w-full max-w-3xl flex-1 px-4 py-6">
        {!load ? (
          <p role="status" className="text-muted-foreground">
            Loading shared conversation…
          </p>
        ) : load.state === "missing" ? (
          <div role="alert" className="mt-[10vh] text-center">
            <h1 className="text-xl font-semibold">This link does not exist</h1>
            <p className="mt-2 text-muted-foreground">Its owner may have stopped sharing it.</p>
          </div>
        ) : load.state === "failed" ? (
          <p role="alert">{load.message}</p>
        ) : (
          <>
            <h1 className="text-xl font-semibold">{load.conversation.title}</h1>
            <p className="mt-1 text-sm text-muted-foreground">
              A read-only copy, shared {new Date(load.conversation.sharedAt).toLocaleString()}.
            </p>
            <section aria-label="Messages" className="mt-6 flex flex-col gap-6">
              {load.conversation.messages.map((message) => (
                <SharedMessageView key={message.id} message={message} />
              ))}
            </section>
          </>
        )}
      </main>
      <footer className="border-t border-border px-4 py-3 text-center text-sm">
        <a href="/" className="underline">
          Start your own chat
        </a>
      </footer>
    </div>
  );
}

function SharedMessageView({ message }: { message: SharedMessage }) {
  if (message.role === "user") {
    return (
      <article aria-label="You" className="flex flex-col items-end">
        <div className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-muted px-4 py-2 text-[0.95rem]">
          {message.text}
        </div>
      </article>
    );
  }
  return (
    <article aria-label="Assistant" className="flex flex-col gap-1">
      {/* The same sanitising renderer as the chat: a shared answer is still untrusted model output. */}
      {message.parts ? (
        message.parts.map((part, i) =>
          part.type === "text" ? <LazyMarkdown key={i}>{part.text}</LazyMarkdown> : <SharedToolRunView key={i} run={part} />,
        )
      ) : (
        <LazyMarkdown>{message.text}</LazyMarkdown>
      )}
      {message.status === "stopped" && <p className="text-xs font-medium text-amber-700 dark:text-amber-400">Stopped — partial answer</p>}
      {message.status === "failed" && <p className="text-xs font-medium text-destructive">The answer broke off.</p>}
      {message.model && <p className="text-xs text-muted-foreground">{message.model}</p>}
    </article>
  );
}

const OUTCOME: Record<SharedToolRun["outcome"], string> = { done: "Done", failed: "Failed", denied: "Denied", "not run": "Not run" };

/** A tool's run in a shared answer: its name, how it ended and its readable result; read-only. */
function SharedToolRunView({ run }: { run: SharedToolRun }) {
  return (
    <div
      role="group"
      aria-label={`Tool: ${run.label}`}
      className="my-2 rounded-lg border border-border bg-card px-3 py-2 text-sm text-card-foreground"
    >
      <p>
        <span className="font-medium">{run.label}</span> <span className="text-xs text-muted-foreground">{OUTCOME[run.outcome]}</span>
      </p>
      {run.image && (
        <p className="mt-1 text-muted-foreground">
          Generated an image{run.image.prompt ? `: ${run.image.prompt}` : ""}; the image stays in its owner's gallery.
        </p>
      )}
      {run.result && <p className="mt-1 whitespace-pre-wrap break-words text-xs">{run.result}</p>}
    </div>
  );
}
