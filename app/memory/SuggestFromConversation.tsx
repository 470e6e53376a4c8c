import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { button } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";
import { addMemory, suggestMemories } from "./api";
import { SuggestedList } from "./SuggestedList";

/**
 * "Suggest memories" for one conversation, opened from its menu in the sidebar (app/projects/
 * ConversationMenu.tsx), which loads this module only when chosen: the chat page's first load does
 * not carry it. Mounted in a root of its own, since the menu that opens it closes at once.
 */
export function openSuggestMemories(conversation: { id: string; title: string }): void {
  const host = document.createElement("div");
  document.body.append(host);
  const root = createRoot(host);
  const close = () => {
    root.unmount();
    host.remove();
  };
  root.render(<SuggestFromConversation conversation={conversation} onClose={close} />);
}

type Phase = { state: "asking" } | { state: "failed"; message: string } | { state: "ready"; offered: number; candidates: string[] };

/**
 * A small model reads what the person wrote in the conversation and proposes memories; each is
 * kept (added to Settings → Memory) or discarded by the person, and nothing is kept otherwise.
 */
export function SuggestFromConversation({ conversation, onClose }: { conversation: { id: string; title: string }; onClose: () => void }) {
  const { props, titleId } = useModalDialog(onClose);
  const [phase, setPhase] = useState<Phase>({ state: "asking" });
  const [said, setSaid] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    suggestMemories(conversation.id).then(
      (candidates) => setPhase({ state: "ready", offered: candidates.length, candidates }),
      (e: Error) => setPhase({ state: "failed", message: e.message }),
    );
  }, [conversation.id]);

  const drop = (text: string) => setPhase((p) => (p.state === "ready" ? { ...p, candidates: p.candidates.filter((c) => c !== text) } : p));

  const keep = async (text: string) => {
    setBusy(true);
    setError(undefined);
    try {
      const { notice } = await addMemory(text);
      drop(text);
      setSaid(notice ? `Kept “${text}”. ${notice}` : `Kept “${text}” in your memories.`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      {...props}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <h2 id={titleId} className="text-base font-semibold">
        Suggest memories
      </h2>
      <p className="mt-2 text-sm text-muted-foreground">
        A small model reads what you wrote in “{conversation.title}” and proposes things to remember. You keep or discard each one; nothing
        is kept otherwise. It uses a little of your daily budget.
      </p>
      <div className="mt-3 space-y-2">
        <p role="status" className="text-sm empty:hidden">
          {phase.state === "asking"
            ? "Reading the conversation…"
            : phase.state === "ready" && phase.candidates.length === 0
              ? (said ?? (phase.offered ? "No more suggestions." : "Nothing to suggest from this conversation."))
              : said}
        </p>
        {(phase.state === "failed" || error) && (
          <p role="alert" className="text-sm text-destructive">
            {phase.state === "failed" ? phase.message : error}
          </p>
        )}
        {phase.state === "ready" && <SuggestedList candidates={phase.candidates} disabled={busy} onKeep={keep} onDiscard={drop} />}
      </div>
      <div className="mt-5 flex justify-end">
        <button type="button" className={button} onClick={onClose}>
          Done
        </button>
      </div>
    </dialog>
  );
}
