import { useEffect, useId, useState } from "react";
import type { Conversation } from "../../contract/api";
import { listConversations } from "../api";
import { button, input } from "../ui/styles";
import { suggestMemories } from "./api";
import { SuggestedList } from "./SuggestedList";

/**
 * "Suggest memories": for conversations with a model that cannot propose memories itself (no tools),
 * a small model reads what the person said in one conversation and lists candidates; each is kept
 * only when the person chooses Keep. It costs a little of their daily budget, as a title does.
 */
export function SuggestMemories({ onKeep, disabled }: { onKeep: (text: string) => Promise<boolean>; disabled: boolean }) {
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [chosen, setChosen] = useState(() => new URLSearchParams(location.search).get("conversation") ?? "");
  const [candidates, setCandidates] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const pickId = useId();

  useEffect(() => {
    listConversations("").then(
      (list) => {
        setConversations(list);
        setChosen((current) => current || list[0]?.id || "");
      },
      () => setConversations([]),
    );
  }, []);

  const suggest = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setCandidates(await suggestMemories(chosen));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const drop = (text: string) => setCandidates((list) => list?.filter((c) => c !== text) ?? null);

  if (!conversations.length) return null;
  return (
    <section aria-labelledby={`${pickId}-title`} className="mt-6 space-y-2 rounded-md border border-border p-3">
      <h2 id={`${pickId}-title`} className="text-base font-semibold">
        Suggest memories
      </h2>
      <p className="text-sm text-muted-foreground">
        A small model reads what you wrote in a conversation and proposes things to remember. You keep or discard each one. It uses a little
        of your daily budget.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <label htmlFor={pickId} className="mb-1 block text-sm font-medium">
            Conversation
          </label>
          <select id={pickId} className={input} value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {conversations.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className={button} disabled={busy || !chosen} onClick={() => void suggest()}>
          {busy ? "Suggesting…" : "Suggest memories"}
        </button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
      {candidates?.length === 0 && (
        <p role="status" className="text-sm text-muted-foreground">
          Nothing to suggest from this conversation.
        </p>
      )}
      <SuggestedList
        candidates={candidates ?? []}
        disabled={disabled}
        onKeep={async (text) => {
          if (await onKeep(text)) drop(text);
        }}
        onDiscard={drop}
      />
    </section>
  );
}
