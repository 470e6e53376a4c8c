import { useEffect, useId, useState } from "react";
import type { DocumentRecord } from "../../contract/documents";
import { CHAT_MODELS, DEFAULT_CHAT_MODEL, findChatModel } from "../../contract/models";
import { PROJECT_LIMITS, type Project } from "../../contract/projects";
import { BUILTIN_CHOICES, isToolOn, switchTool, useConnectorTools } from "../chat/tool-choices";
import { listDocuments } from "../documents/api";
import { button, input, primaryButton, smallButton } from "../ui/styles";
import { useModalDialog } from "../ui/useModalDialog";
import { createProject, updateProject } from "./api";

interface Props {
  /** undefined: a new project. */
  project?: Project;
  onSaved: (project: Project) => void;
  onClose: () => void;
}

/** Makes or edits a project: its name, instructions, the model and tools a new chat in it starts with, and its documents. */
export default function ProjectDialog({ project, onSaved, onClose }: Props) {
  const { props, titleId } = useModalDialog(onClose);
  const ids = useId();
  const [name, setName] = useState(project?.name ?? "");
  const [instructions, setInstructions] = useState(project?.instructions ?? "");
  const [model, setModel] = useState(project?.defaults.model ?? "");
  // Unset: the tools on by default (every one but translate), as a chat that never picked (the chat's Tools panel reads it the same way).
  const [tools, setTools] = useState<string[] | undefined>(project?.defaults.tools);
  const toolChoices = [...BUILTIN_CHOICES, ...useConnectorTools(true)];
  const modelForTools = findChatModel(model || DEFAULT_CHAT_MODEL);
  const [documentIds, setDocumentIds] = useState<string[]>(project?.documentIds ?? []);
  const [documents, setDocuments] = useState<DocumentRecord[]>();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    listDocuments().then(setDocuments, () => setDocuments([]));
  }, []);

  const save = () => {
    setSaving(true);
    // Documents deleted since they were picked are left out, so a save never names one that is gone.
    const known = documents ? documentIds.filter((id) => documents.some((d) => d.id === id)) : documentIds;
    const fields = { name, instructions, defaults: { ...project?.defaults, model: model || undefined, tools }, documentIds: known };
    (project ? updateProject(project.id, fields) : createProject(fields)).then(onSaved, (e: Error) => {
      setSaving(false);
      setError(e.message);
    });
  };

  return (
    <dialog
      {...props}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(32rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-border bg-card p-5 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <form
        method="dialog"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <h2 id={titleId} className="text-base font-semibold">
          {project ? `Edit ${project.name}` : "New project"}
        </h2>
        <div className="space-y-1">
          <label htmlFor={`${ids}-name`} className="text-sm font-medium">
            Name
          </label>
          <input
            id={`${ids}-name`}
            className={input}
            value={name}
            required
            maxLength={PROJECT_LIMITS.nameChars}
            onChange={(e) => setName(e.target.value)}
            autoFocus
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${ids}-instructions`} className="text-sm font-medium">
            Instructions
          </label>
          <textarea
            id={`${ids}-instructions`}
            className={`${input} min-h-28`}
            value={instructions}
            maxLength={PROJECT_LIMITS.instructionsChars}
            aria-describedby={`${ids}-instructions-help`}
            onChange={(e) => setInstructions(e.target.value)}
          />
          <p id={`${ids}-instructions-help`} className="text-xs text-muted-foreground">
            Added to every conversation in this project. {instructions.length.toLocaleString("en-US")} of{" "}
            {PROJECT_LIMITS.instructionsChars.toLocaleString("en-US")} characters.
          </p>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${ids}-model`} className="text-sm font-medium">
            Model for new chats
          </label>
          <select id={`${ids}-model`} className={input} value={model} onChange={(e) => setModel(e.target.value)}>
            <option value="">The app's default</option>
            {CHAT_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="space-y-1" aria-describedby={`${ids}-tools-help`}>
          <legend className="text-sm font-medium">Tools for new chats</legend>
          <p id={`${ids}-tools-help`} className="text-xs text-muted-foreground">
            A new chat in this project starts with these on; each chat can change them in its Tools panel.
            {modelForTools?.tools === false && ` ${modelForTools.label} cannot use tools: they apply when a chat picks a model that can.`}
          </p>
          <ul className="max-h-40 space-y-1 overflow-y-auto">
            {toolChoices.map((choice) => (
              <li key={choice.key}>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="accent-primary"
                    checked={isToolOn(tools, choice)}
                    onChange={(e) => setTools(switchTool(tools, toolChoices, choice.key, e.target.checked))}
                  />
                  <span className="truncate">{choice.label}</span>
                  {choice.asks && <span className="text-xs text-muted-foreground">asks first</span>}
                </label>
              </li>
            ))}
          </ul>
          {tools && (
            <button type="button" className={smallButton} onClick={() => setTools(undefined)}>
              Use the default tools
            </button>
          )}
        </fieldset>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium">Documents searched in this project</legend>
          {documents === undefined ? (
            <p className="text-xs text-muted-foreground">Loading documents…</p>
          ) : documents.length === 0 ? (
            <p className="text-xs text-muted-foreground">No documents yet: add them on the Documents page.</p>
          ) : (
            <ul className="max-h-40 space-y-1 overflow-y-auto">
              {documents.map((d) => (
                <li key={d.id}>
                  <label className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={documentIds.includes(d.id)}
                      disabled={!documentIds.includes(d.id) && documentIds.length >= PROJECT_LIMITS.maxDocuments}
                      onChange={(e) => setDocumentIds((all) => (e.target.checked ? [...all, d.id] : all.filter((id) => id !== d.id)))}
                    />
                    <span className="truncate">{d.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className={button} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={primaryButton} disabled={saving || !name.trim()}>
            {project ? "Save" : "Create project"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
