import { useEffect, useId, useState, type FormEvent } from "react";
import { ASSISTANT_LIMITS, type Assistant, type AssistantInput } from "../../contract/assistants";
import { BUILTIN_TOOLS } from "../../contract/builtin-tools";
import type { DocumentRecord } from "../../contract/documents";
import { CHAT_MODELS, CHAT_SETTINGS_LIMITS, DEFAULT_CHAT_MODEL } from "../../contract/models";
import { listConnectors } from "../connectors/api";
import { listDocuments } from "../documents/api";
import { button, input, primaryButton } from "../ui/styles";

export type FormMode = { kind: "new" } | { kind: "copy"; from: Assistant } | { kind: "edit"; assistant: Assistant };

const EMPTY: AssistantInput = {
  name: "",
  description: "",
  model: DEFAULT_CHAT_MODEL,
  instructions: "",
  temperature: CHAT_SETTINGS_LIMITS.temperature.default,
  tools: undefined,
  documentIds: [],
};

function startingValues(mode: FormMode): AssistantInput {
  if (mode.kind === "new") return EMPTY;
  const { name, description, model, instructions, temperature, tools, documentIds } = mode.kind === "copy" ? mode.from : mode.assistant;
  const copyName = `${name} (copy)`.slice(0, ASSISTANT_LIMITS.nameChars);
  return { name: mode.kind === "copy" ? copyName : name, description, model, instructions, temperature, tools, documentIds };
}

interface ToolChoice {
  key: string;
  label: string;
}

/** The tools an assistant may name: the built-ins and the person's connectors' tools (when they load). */
function useToolChoices(): ToolChoice[] {
  const [connectorTools, setConnectorTools] = useState<ToolChoice[]>([]);
  useEffect(() => {
    listConnectors().then(
      (connectors) => setConnectorTools(connectors.flatMap((c) => c.tools.map((t) => ({ key: t.key, label: `${t.name} (${c.name})` })))),
      () => {}, // Without the list the built-ins still show; the Worker checks whatever is sent.
    );
  }, []);
  return [...BUILTIN_TOOLS.map((tool) => ({ key: tool.name, label: tool.label })), ...connectorTools];
}

/**
 * Creating an assistant, editing one of the person's own, or editing a copy of any (built-ins are
 * only ever copied). Every control has a visible label; the Worker's refusal is shown as it wrote it.
 */
export function AssistantForm({
  mode,
  onSave,
  onCancel,
}: {
  mode: FormMode;
  onSave: (input: AssistantInput) => Promise<void>;
  onCancel: () => void;
}) {
  const id = useId();
  const [values, setValues] = useState(() => startingValues(mode));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [documents, setDocuments] = useState<DocumentRecord[] | null>(null);
  const tools = useToolChoices();

  useEffect(() => {
    listDocuments().then(setDocuments, () => setDocuments([]));
  }, []);

  const set = <K extends keyof AssistantInput>(key: K, value: AssistantInput[K]) => setValues((v) => ({ ...v, [key]: value }));
  const toggle = (list: readonly string[], key: string, on: boolean) => (on ? [...list, key] : list.filter((k) => k !== key));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await onSave(values);
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };

  const title = mode.kind === "new" ? "New assistant" : mode.kind === "copy" ? `Copy of ${mode.from.name}` : `Edit ${mode.assistant.name}`;
  const allTools = values.tools === undefined;
  return (
    <form aria-labelledby={`${id}-title`} onSubmit={submit} className="mt-4 space-y-4 rounded-lg border border-border bg-card p-4">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      <div>
        <label htmlFor={`${id}-name`} className="block text-sm font-medium">
          Name
        </label>
        <input
          id={`${id}-name`}
          className={`${input} mt-1`}
          required
          maxLength={ASSISTANT_LIMITS.nameChars}
          value={values.name}
          onChange={(e) => set("name", e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${id}-description`} className="block text-sm font-medium">
          Description
        </label>
        <input
          id={`${id}-description`}
          className={`${input} mt-1`}
          maxLength={ASSISTANT_LIMITS.descriptionChars}
          value={values.description}
          onChange={(e) => set("description", e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${id}-model`} className="block text-sm font-medium">
          Model
        </label>
        <select id={`${id}-model`} className={`${input} mt-1`} value={values.model} onChange={(e) => set("model", e.target.value)}>
          {CHAT_MODELS.map((model) => (
            <option key={model.id} value={model.id}>
              {model.label} ({model.vendor}
              {model.plan === "paid" ? ", Workers Paid" : ""})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-instructions`} className="block text-sm font-medium">
          Instructions
        </label>
        <textarea
          id={`${id}-instructions`}
          aria-describedby={`${id}-instructions-hint`}
          className={`${input} mt-1 min-h-32`}
          maxLength={ASSISTANT_LIMITS.instructionsChars}
          value={values.instructions}
          onChange={(e) => set("instructions", e.target.value)}
        />
        <p id={`${id}-instructions-hint`} className="mt-1 text-xs text-muted-foreground">
          The system prompt of every chat started from this assistant ({values.instructions.length.toLocaleString("en-US")} of{" "}
          {ASSISTANT_LIMITS.instructionsChars.toLocaleString("en-US")} characters).
        </p>
      </div>
      <div>
        <label htmlFor={`${id}-temperature`} className="block text-sm font-medium">
          Temperature
        </label>
        <input
          id={`${id}-temperature`}
          type="number"
          aria-describedby={`${id}-temperature-hint`}
          className={`${input} mt-1 max-w-32`}
          min={CHAT_SETTINGS_LIMITS.temperature.min}
          max={CHAT_SETTINGS_LIMITS.temperature.max}
          step={0.1}
          required
          value={values.temperature}
          onChange={(e) => set("temperature", e.target.valueAsNumber)}
        />
        <p id={`${id}-temperature-hint`} className="mt-1 text-xs text-muted-foreground">
          0 to 2: lower keeps answers steady, higher makes them more varied.
        </p>
      </div>
      <fieldset>
        <legend className="text-sm font-medium">Tools</legend>
        <p className="text-xs text-muted-foreground">Offered only to models that use tools.</p>
        <label className="mt-1 flex items-center gap-2 text-sm">
          <input type="checkbox" checked={allTools} onChange={(e) => set("tools", e.target.checked ? undefined : [])} />
          Every tool (built-ins and your connectors' tools)
        </label>
        {!allTools && (
          <div className="mt-1 grid gap-1 pl-6 sm:grid-cols-2">
            {tools.map((tool) => (
              <label key={tool.key} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={values.tools?.includes(tool.key) ?? false}
                  onChange={(e) => set("tools", toggle(values.tools ?? [], tool.key, e.target.checked))}
                />
                {tool.label}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend className="text-sm font-medium">Documents</legend>
        <p className="text-xs text-muted-foreground">Attached to each chat started from this assistant; answers cite them.</p>
        {documents === null ? (
          <p className="mt-1 text-sm text-muted-foreground">Loading documents…</p>
        ) : documents.length === 0 ? (
          <p className="mt-1 text-sm text-muted-foreground">No documents in your library yet (add them on the Documents page).</p>
        ) : (
          <div className="mt-1 grid gap-1 sm:grid-cols-2">
            {documents.map((document) => (
              <label key={document.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={values.documentIds.includes(document.id)}
                  onChange={(e) => set("documentIds", toggle(values.documentIds, document.id, e.target.checked))}
                />
                {document.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {error && (
        <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={saving}>
          {mode.kind === "edit" ? "Save changes" : "Create assistant"}
        </button>
        <button type="button" className={button} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
