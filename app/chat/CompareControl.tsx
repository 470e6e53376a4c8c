import { lazy, Suspense, useEffect, useRef, useState } from "react";
import type { CompareRunning } from "../../contract/compare";
import { request } from "../api";
import { button } from "../ui/styles";
import type { ComparePanelProps } from "./compare/ComparePanel";

// The side-by-side view loads on first use: the chat page's first load stays within its budget.
const ComparePanel = lazy(() => import("./compare/ComparePanel"));

/**
 * The conversation's side-by-side answers: none, a question being asked, or a turn whose answers
 * the server writes whatever the page does. A page opened or reloaded mid-way asks for the running
 * turn (GET /api/chat/compare/:id) and shows it again; closing the panel mid-way only hides it.
 */
export function useCompare(conversationId: string, exists: boolean, chatBusy: boolean) {
  const [session, setSession] = useState<{ key: number; rejoin?: CompareRunning }>();
  const [open, setOpen] = useState(false);
  const [writing, setWriting] = useState(0);
  // Only a conversation the page loaded can have a turn running that the page did not start.
  const loaded = useRef(exists);
  useEffect(() => {
    if (!loaded.current) return;
    let live = true;
    request<CompareRunning | undefined>(`/api/chat/compare/${encodeURIComponent(conversationId)}`).then(
      (rejoin) => {
        if (!live || !rejoin) return;
        setSession({ key: Date.now(), rejoin });
        setOpen(true);
      },
      () => {}, // nothing to show again: the conversation still shows what was saved
    );
    return () => {
      live = false;
    };
  }, [conversationId]);
  // A question asked in the chat meanwhile stops the turn's answers on the server: the hidden view goes.
  useEffect(() => {
    if (!chatBusy || open) return;
    setSession(undefined);
    setWriting(0);
  }, [chatBusy, open]);
  const end = () => {
    setOpen(false);
    setSession(undefined);
    setWriting(0);
  };
  return {
    session,
    open,
    writing,
    setWriting,
    show: () => {
      setSession((current) => current ?? { key: Date.now() });
      setOpen(true);
    },
    /** Closed: hidden while answers are still written (to be shown again), else done with. */
    close: () => (writing > 0 ? setOpen(false) : end()),
    end,
  };
}

export type CompareState = ReturnType<typeof useCompare>;

/** "Compare models": asks 2–3 models the conversation's next question side by side (./compare/ComparePanel.tsx). */
export function CompareControl({
  compare,
  disabled,
  onClose,
  onKeep,
  ...panel
}: Omit<ComparePanelProps, "onClose" | "rejoin" | "hidden" | "onWriting"> & {
  compare: CompareState;
  disabled: boolean;
  onClose: () => void;
}) {
  const { session } = compare;
  return (
    <>
      {/* "Compare" alone on a phone, where the header has room for little more than the model picker. */}
      <button type="button" className={`${button} shrink-0`} disabled={disabled} onClick={compare.show} aria-label="Compare models">
        Compare<span className="hidden sm:inline">&nbsp;models</span>
      </button>
      {session && (
        <Suspense fallback={null}>
          <ComparePanel
            key={session.key}
            {...panel}
            rejoin={session.rejoin}
            hidden={!compare.open}
            onWriting={(count) => {
              // The last answer ended: the conversation behind shows what was saved (and its title, a first question's).
              if (count === 0 && compare.writing > 0) onClose();
              compare.setWriting(count);
            }}
            onKeep={async (messageId, model) => {
              await onKeep(messageId, model);
              compare.end();
              onClose();
            }}
            onClose={() => {
              compare.close();
              onClose();
            }}
          />
        </Suspense>
      )}
    </>
  );
}

/** Under the conversation while its side-by-side answers are hidden: how they stand, and the way back to them. */
export function CompareNotice({ compare }: { compare: CompareState }) {
  if (!compare.session) return null;
  const { writing } = compare;
  // Kept in the page while the panel is shown: closing it puts focus back on "Show side by side".
  return (
    <div hidden={compare.open} className="mx-auto w-full max-w-3xl flex-wrap items-center gap-2 px-4 pb-2 text-sm [&:not([hidden])]:flex">
      <p role="status" className="text-muted-foreground">
        {writing === 0
          ? "The answers side by side have ended."
          : `${writing} ${writing === 1 ? "answer is" : "answers are"} still being written side by side.`}
      </p>
      <button type="button" className={button} onClick={compare.show}>
        Show side by side
      </button>
      {writing === 0 && (
        <button type="button" className={button} onClick={compare.end}>
          Dismiss
        </button>
      )}
    </div>
  );
}
