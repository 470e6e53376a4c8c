import { type FormEvent, useEffect, useId, useState } from "react";
import { type Memory, MEMORY_LIMITS, type MemoryList } from "../../contract/memory";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { button, input, primaryButton } from "../ui/styles";
import { addMemory, deleteMemory, editMemory, listMemories, setMemoryEnabled } from "./api";
import { MemoryItem } from "./MemoryItem";
import { SuggestMemories } from "./SuggestMemories";

/**
 * /memory (Settings → Memory): what the assistant remembers about the person. Add, edit and delete
 * memories, and switch memory off (the list is kept, but no memory joins an answer and the model
 * cannot propose one). Loaded on demand: the chat page does not carry it.
 */
export default function MemoryPage() {
  const [list, setList] = useState<MemoryList | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Memory | null>(null);
  const draftId = useId();
  const hintId = useId();
  const switchId = useId();

  useEffect(() => {
    listMemories().then(setList, (e: Error) => setError(e.message));
  }, []);

  /**
   * Runs a change, shows its outcome in words (a write's own sentence when its memory could not be
   * embedded), and keeps the list as the Worker has it.
   */
  const change = async (run: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await run();
      setNotice((result as { notice?: string } | undefined)?.notice ?? done);
      setList(await listMemories());
      return true;
    } catch (e) {
      setNotice(undefined);
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await change(() => addMemory(draft), "Memory added.")) setDraft("");
  };

  const full = list !== null && list.memories.length >= MEMORY_LIMITS.perPerson;
  return (
    <main className="mx-auto w-full max-w-3xl overflow-auto p-4">
      <h1 className="text-xl font-semibold">Memory</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        Things the assistant remembers about you. The ones that matter to a question are added to its instructions, and the answer says
        which it used. Nothing is remembered without you: the assistant can only propose a memory, and you keep or discard it.
      </p>

      {list && (
        <label htmlFor={switchId} className="mt-4 flex items-center gap-2 text-sm font-medium">
          <input
            id={switchId}
            type="checkbox"
            className="size-4 accent-primary"
            checked={list.enabled}
            disabled={busy}
            onChange={(e) => {
              // Shown at once (a switch that waits for the server reads as broken); put back if the Worker refuses.
              const enabled = e.target.checked;
              setList((l) => l && { ...l, enabled });
              void change(
                () => setMemoryEnabled(enabled),
                enabled ? "Memory is on." : "Memory is off: answers use none of your memories.",
              ).then((ok) => ok || setList((l) => l && { ...l, enabled: !enabled }));
            }}
          />
          Use memory in answers
        </label>
      )}

      <form className="mt-4 space-y-2 rounded-md border border-border p-3" aria-label="Add a memory" onSubmit={add}>
        <label htmlFor={draftId} className="block text-sm font-medium">
          New memory
        </label>
        <textarea
          id={draftId}
          className={input}
          rows={2}
          maxLength={MEMORY_LIMITS.chars}
          aria-describedby={hintId}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="e.g. I prefer metric units."
        />
        <p id={hintId} className="text-xs text-muted-foreground">
          One fact or preference, up to {MEMORY_LIMITS.chars} characters.{" "}
          {list ? `${list.memories.length} of ${MEMORY_LIMITS.perPerson} kept.` : ""}
        </p>
        <button type="submit" className={primaryButton} disabled={busy || full || !draft.trim()}>
          Add memory
        </button>
      </form>

      {error && (
        <p role="alert" className="mt-3 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      <p role="status" className="mt-3 text-sm empty:hidden">
        {notice}
      </p>

      {list === null ? (
        !error && <p className="mt-6 text-muted-foreground">Loading…</p>
      ) : list.memories.length === 0 ? (
        <p className="mt-6 text-muted-foreground">No memories yet.</p>
      ) : (
        <ul aria-label="Your memories" className="mt-4 divide-y divide-border rounded-md border border-border">
          {list.memories.map((memory) => (
            <MemoryItem
              key={memory.id}
              memory={memory}
              busy={busy}
              onSave={(text) => change(() => editMemory(memory.id, text), "Memory saved.")}
              onDelete={() => setDeleting(memory)}
            />
          ))}
        </ul>
      )}

      <SuggestMemories disabled={busy || full} onKeep={(text) => change(() => addMemory(text), "Memory added.")} />

      {deleting && (
        <ConfirmDialog
          title="Delete this memory?"
          confirmLabel="Delete"
          onConfirm={() => {
            const memory = deleting;
            setDeleting(null);
            void change(() => deleteMemory(memory.id), "Memory deleted.");
          }}
          onCancel={() => setDeleting(null)}
        >
          “{deleting.text}” will no longer be used in answers. Answers that already used it keep saying so.
        </ConfirmDialog>
      )}
      <p className="mt-6">
        <button type="button" className={button} onClick={() => listMemories().then(setList, (e: Error) => setError(e.message))}>
          Reload list
        </button>
      </p>
    </main>
  );
}
