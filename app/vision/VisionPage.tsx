import { useCallback, useEffect, useRef, useState } from "react";
import { useLocation, useRoute } from "wouter";
import { DEFAULT_VISION_MODEL, type VisionImage, type VisionMessage, type VisionThread } from "../../contract/vision-api";
import { newConversationId } from "../chat/ids";
import { deleteThread, getThread, imageUrl, listThreads, renameThread } from "./api";
import { DropZone } from "./DropZone";
import { prepareAndUpload } from "../ui/prepare-image";
import { formatBytes, type PreparedImage } from "../ui/resize-image";
import { ThreadList } from "./ThreadList";
import { dangerButton } from "../ui/styles";
import { VisionChat } from "./VisionChat";

interface OpenThread {
  id: string;
  image: VisionImage;
  messages: VisionMessage[];
  model: string;
  /** Stored on the server (not an image uploaded in this visit and not asked about yet). */
  exists: boolean;
  /** Set for an image uploaded in this visit: the sizes before and after shrinking. */
  prepared?: PreparedImage;
}

/** /vision and /vision/:threadId: drop an image, ask about it, come back to it later. */
export default function VisionPage() {
  const [, navigate] = useLocation();
  const [, params] = useRoute<{ threadId: string }>("/vision/:threadId");
  const routeId = params?.threadId;
  const [threads, setThreads] = useState<VisionThread[]>([]);
  const [open, setOpen] = useState<OpenThread>();
  const [problem, setProblem] = useState<string>();
  const [working, setWorking] = useState<string>();

  const [query, setQuery] = useState("");
  const queryRef = useRef(query);
  queryRef.current = query;

  const refresh = useCallback(() => {
    listThreads(queryRef.current).then(setThreads, () => {});
  }, []);
  // The list at once, then search as you type: one request per pause, a newer query aborting the one before.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => listThreads(query, controller.signal).then(setThreads, () => {}), query.trim() ? 200 : 0);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const onRename = (thread: VisionThread, title: string) => {
    renameThread(thread.id, title).then(
      () => {
        setProblem(undefined);
        refresh();
      },
      (error: Error) => setProblem(`Could not rename: ${error.message}`),
    );
  };

  useEffect(() => {
    if (!routeId) return setOpen((current) => (current && threads.some((t) => t.id === current.id) ? undefined : current));
    if (open?.id === routeId) return;
    let live = true;
    setProblem(undefined);
    getThread(routeId).then(
      (found) =>
        live && setOpen({ id: found.thread.id, image: found.image, messages: found.messages, model: found.thread.model, exists: true }),
      (error: Error) => live && setProblem(error.message),
    );
    return () => void (live = false);
    // Only a new address loads a thread; the open one changes as it streams.
  }, [routeId]);

  const onFile = useCallback(async (file: File) => {
    setProblem(undefined);
    try {
      const { image, prepared } = await prepareAndUpload(file, (step) =>
        setWorking(step === "shrinking" ? "Shrinking the image…" : "Uploading…"),
      );
      setOpen({ id: newConversationId(), image, messages: [], model: DEFAULT_VISION_MODEL, exists: false, prepared });
    } catch (error) {
      setProblem((error as Error).message || "The image could not be read.");
    } finally {
      setWorking(undefined);
    }
  }, []);

  const onAsked = useCallback(() => {
    if (open && routeId !== open.id) navigate(`/vision/${open.id}`, { replace: true });
    refresh();
  }, [open, routeId, navigate, refresh]);

  const onDelete = async () => {
    if (!open) return;
    try {
      await deleteThread(open.id);
      setOpen(undefined);
      navigate("/vision");
      refresh();
    } catch (error) {
      setProblem((error as Error).message);
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-y-auto md:flex-row">
      <aside className="shrink-0 border-b border-border p-3 md:w-64 md:overflow-y-auto md:border-b-0 md:border-r">
        <ThreadList threads={threads} currentId={open?.id} query={query} onQueryChange={setQuery} onRename={onRename} />
      </aside>
      <main className="mx-auto flex w-full max-w-3xl min-w-0 flex-col gap-4 p-3 sm:p-6">
        <h1 className="text-lg font-semibold">Ask about an image</h1>
        {problem && (
          <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {problem}
          </p>
        )}
        {!open ? (
          <>
            <DropZone onFile={onFile} disabled={Boolean(working)} />
            {working && (
              <p role="status" className="text-sm text-muted-foreground">
                {working}
              </p>
            )}
          </>
        ) : (
          <>
            <figure className="flex flex-col gap-2">
              <img
                src={imageUrl(open.image.id)}
                alt="The image you are asking about"
                className="max-h-80 w-auto self-start rounded-lg border border-border object-contain"
              />
              <figcaption className="text-xs text-muted-foreground">
                {open.prepared && <>Original {describe(open.prepared.original)} · </>}
                Sent {describe({ bytes: open.image.bytes, width: open.image.width, height: open.image.height })}
              </figcaption>
              {routeId === open.id && (
                <button type="button" className={`${dangerButton} self-start`} onClick={() => void onDelete()}>
                  Delete thread
                </button>
              )}
            </figure>
            <VisionChat
              key={open.id}
              threadId={open.id}
              image={open.image}
              initialMessages={open.messages}
              exists={open.exists}
              initialModel={open.model}
              onAsked={onAsked}
            />
          </>
        )}
      </main>
    </div>
  );
}

function describe(size: { bytes: number; width: number; height: number }): string {
  return `${size.width}×${size.height} px, ${formatBytes(size.bytes)}`;
}
