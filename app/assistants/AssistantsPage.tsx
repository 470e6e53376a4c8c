import { useCallback, useEffect, useState } from "react";
import { ASSISTANT_LIMITS, type Assistant, type AssistantList } from "../../contract/assistants";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { primaryButton } from "../ui/styles";
import { createAssistant, deleteAssistant, listAssistants, updateAssistant } from "./api";
import { AssistantCard } from "./AssistantCard";
import { AssistantForm, type FormMode } from "./AssistantForm";

/**
 * /assistants: the built-in assistants and the person's own. Each starts a new chat with its model,
 * instructions, temperature, tools and documents, and lists the chats started from it. Built-ins
 * are read-only ("Edit as a copy"). Loaded on demand: the chat page does not carry it.
 */
export default function AssistantsPage() {
  const [list, setList] = useState<AssistantList | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [form, setForm] = useState<FormMode | null>(null);
  const [deleting, setDeleting] = useState<Assistant | null>(null);

  const reload = useCallback(() => {
    listAssistants().then(setList, (e: Error) => setError(e.message));
  }, []);
  useEffect(reload, [reload]);

  const open = (mode: FormMode) => {
    setNotice(undefined);
    setError(undefined);
    setForm(mode);
  };

  const save = async (mode: FormMode, input: Parameters<typeof createAssistant>[0]) => {
    const saved = mode.kind === "edit" ? await updateAssistant(mode.assistant.id, input) : await createAssistant(input);
    setForm(null);
    setNotice(mode.kind === "edit" ? `Saved ${saved.name}.` : `Created ${saved.name}.`);
    reload();
  };

  const remove = async (assistant: Assistant) => {
    setDeleting(null);
    setError(undefined);
    try {
      await deleteAssistant(assistant.id);
      setNotice(`Deleted ${assistant.name}.`);
    } catch (e) {
      setError((e as Error).message);
    }
    reload();
  };

  const full = list !== null && list.own.length >= ASSISTANT_LIMITS.maxAssistants;
  const cards = (assistants: Assistant[]) =>
    assistants.map((assistant) => (
      <AssistantCard
        key={assistant.id}
        assistant={assistant}
        onEdit={() => open({ kind: "edit", assistant })}
        onCopy={() => open({ kind: "copy", from: assistant })}
        onDelete={() => setDeleting(assistant)}
      />
    ));

  return (
    <main className="mx-auto w-full max-w-3xl overflow-auto p-4">
      <h1 className="text-xl font-semibold">Assistants</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        A model, instructions, temperature, tools and documents saved under a name. Start a chat from one and it begins with those settings;
        you can still change them in the chat.
      </p>
      <p className="mt-3">
        <button type="button" className={primaryButton} disabled={full} onClick={() => open({ kind: "new" })}>
          New assistant
        </button>
      </p>
      {full && (
        <p className="mt-1 text-xs text-muted-foreground">
          You have {ASSISTANT_LIMITS.maxAssistants} assistants, the most allowed. Delete one to make another.
        </p>
      )}
      {form && (
        // Keyed so switching from one assistant's form to another's starts from that one's values.
        <AssistantForm
          key={form.kind === "edit" ? form.assistant.id : form.kind === "copy" ? `copy-${form.from.id}` : "new"}
          mode={form}
          onSave={(input) => save(form, input)}
          onCancel={() => setForm(null)}
        />
      )}
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
      ) : (
        <>
          <h2 className="mt-6 text-lg font-semibold">Your assistants</h2>
          {list.own.length === 0 ? (
            <p className="mt-2 text-sm text-muted-foreground">None yet: make one, or edit a built-in one as a copy.</p>
          ) : (
            <ul aria-label="Your assistants" className="mt-2 space-y-3">
              {cards(list.own)}
            </ul>
          )}
          <h2 className="mt-6 text-lg font-semibold">Built-in assistants</h2>
          <ul aria-label="Built-in assistants" className="mt-2 space-y-3">
            {cards(list.builtin)}
          </ul>
        </>
      )}

      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          The chats started from it stay, with the settings they began with.
        </ConfirmDialog>
      )}
    </main>
  );
}
