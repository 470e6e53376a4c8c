import { useEffect, useId, useRef, useState } from "react";
import type { ConnectorList, ConnectorSummary } from "../../contract/connectors";
import { findChatModel } from "../../contract/models";
import { BUILTIN_TOOLS, TOOL_LIMITS, findBuiltinTool } from "../../contract/tools";
import { request } from "../api";
import { button, input, smallButton } from "../ui/styles";
import type { EditableSettings } from "./settings";

interface Props {
  settings: EditableSettings;
  onChange: (patch: Partial<EditableSettings>) => void;
}

interface ToolChoice {
  key: string;
  label: string;
  /** Asks before it runs (a built-in that spends or reaches out; a connector tool set to ask first). */
  asks: boolean;
  /** On when the conversation has not picked its tools. */
  onByDefault: boolean;
}

/**
 * The key the Worker gives a connector's tool (worker/connectors/tools.ts `toolKey`, without the
 * number it adds when two cut names clash): what the conversation's `tools` setting stores.
 */
function connectorToolKey(connectorId: string, toolName: string): string {
  const prefix = `mcp_${connectorId.slice(0, 6).replace(/[^A-Za-z0-9_-]/g, "_")}_`;
  return (prefix + (toolName.replace(/[^A-Za-z0-9_-]/g, "_") || "tool")).slice(0, 64);
}

/**
 * The person's connector tools, read when the panel first opens (not on every conversation's first
 * paint); none, not an error, when this deployment has no connectors API or it fails.
 */
function useConnectorTools(wanted: boolean): ToolChoice[] {
  const [connectors, setConnectors] = useState<ConnectorSummary[]>([]);
  const askedRef = useRef(false);
  useEffect(() => {
    if (!wanted || askedRef.current) return;
    askedRef.current = true;
    // Not cancelled when the panel closes: the list is kept for the next opening.
    request<ConnectorList>("/api/connectors").then(
      (list) => setConnectors(list.connectors ?? []),
      () => {},
    );
  }, [wanted]);
  return connectors.flatMap((connector) =>
    connector.tools.map((tool) => ({
      key: connectorToolKey(connector.id, tool.name),
      label: `${tool.name} (${connector.name})`,
      asks: tool.askFirst,
      onByDefault: tool.enabled,
    })),
  );
}

/**
 * "Tools" beside the model picker: which tools this conversation offers the model, how many model
 * calls one answer may make, and which tools run without asking here. Saved with the conversation's
 * settings. A model the catalog does not flag `tools` gets none; the control says so.
 */
export function ToolsControl({ settings, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const reasonId = useId();
  const stepsId = useId();
  const wrapRef = useRef<HTMLDivElement>(null);
  const connectorTools = useConnectorTools(open);
  const model = findChatModel(settings.model);
  const capable = model?.tools === true;
  const reason = capable ? undefined : `${model?.label ?? "This model"} cannot use tools`;

  const builtins: ToolChoice[] = BUILTIN_TOOLS.map((tool) => ({
    key: tool.name,
    label: tool.label,
    asks: tool.needsApproval,
    onByDefault: true,
  }));
  const all = [...builtins, ...connectorTools];
  const isOn = (choice: ToolChoice) => (settings.tools ? settings.tools.includes(choice.key) : choice.onByDefault);

  const toggle = (choice: ToolChoice, on: boolean) => {
    // The first pick turns "every tool" into an explicit list; keys of tools no longer listed (a
    // removed connector) are kept, so switching one tool never drops another.
    const current = settings.tools ?? all.filter((c) => c.onByDefault).map((c) => c.key);
    const next = on ? [...new Set([...current, choice.key])] : current.filter((key) => key !== choice.key);
    onChange({ tools: next });
  };

  // Escape closes the panel and gives the focus back to its button.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      wrapRef.current?.querySelector<HTMLButtonElement>("button")?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div ref={wrapRef} className="relative shrink-0">
      <button
        type="button"
        className={button}
        aria-expanded={open}
        aria-controls={panelId}
        aria-describedby={reason ? reasonId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        Tools
        {!capable && <span className="text-xs font-normal text-muted-foreground">off</span>}
      </button>
      {reason && (
        <span id={reasonId} className="sr-only">
          {reason}
        </span>
      )}
      {open && (
        <section
          id={panelId}
          aria-label="Tools"
          className="absolute left-0 top-full z-20 mt-1 w-80 max-w-[90vw] rounded-lg border border-border bg-card p-3 text-sm text-card-foreground shadow-lg"
        >
          {reason && <p className="mb-2 font-medium">{reason}.</p>}
          <fieldset disabled={!capable} className="space-y-3 disabled:opacity-60">
            <legend className="sr-only">Tools in this conversation</legend>
            <ToolList title="Built-in" choices={builtins} isOn={isOn} onToggle={toggle} alwaysAllow={settings.alwaysAllow} />
            {connectorTools.length > 0 && (
              <ToolList title="Connectors" choices={connectorTools} isOn={isOn} onToggle={toggle} alwaysAllow={settings.alwaysAllow} />
            )}
            <div>
              <label htmlFor={stepsId} className="mb-1 block font-medium">
                Model calls per answer
              </label>
              <input
                id={stepsId}
                type="number"
                inputMode="numeric"
                className={`${input} w-20`}
                min={TOOL_LIMITS.maxSteps.min}
                max={TOOL_LIMITS.maxSteps.max}
                step={1}
                value={settings.maxSteps}
                onChange={(e) => {
                  const n = Number(e.target.value);
                  if (Number.isInteger(n) && n >= TOOL_LIMITS.maxSteps.min && n <= TOOL_LIMITS.maxSteps.max) onChange({ maxSteps: n });
                }}
              />
              <p className="mt-1 text-xs text-muted-foreground">
                Each call may use tools; the answer ends after {settings.maxSteps} (each one is paid for like an answer).
              </p>
            </div>
            {settings.alwaysAllow.length > 0 && (
              <div>
                <p className="mb-1 font-medium">Run without asking here</p>
                <ul className="space-y-1">
                  {settings.alwaysAllow.map((key) => (
                    <li key={key} className="flex items-center gap-2">
                      <span className="min-w-0 flex-1 truncate">{labelOf(key, all)}</span>
                      <button
                        type="button"
                        className={smallButton}
                        aria-label={`Ask again before ${labelOf(key, all)}`}
                        onClick={() => onChange({ alwaysAllow: settings.alwaysAllow.filter((k) => k !== key) })}
                      >
                        Ask again
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </fieldset>
        </section>
      )}
    </div>
  );
}

function labelOf(key: string, all: ToolChoice[]): string {
  return all.find((c) => c.key === key)?.label ?? findBuiltinTool(key)?.label ?? key;
}

function ToolList({
  title,
  choices,
  isOn,
  onToggle,
  alwaysAllow,
}: {
  title: string;
  choices: ToolChoice[];
  isOn: (c: ToolChoice) => boolean;
  onToggle: (c: ToolChoice, on: boolean) => void;
  alwaysAllow: string[];
}) {
  return (
    <fieldset>
      <legend className="mb-1 font-medium">{title}</legend>
      <ul className="space-y-1">
        {choices.map((choice) => (
          <li key={choice.key}>
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                className="accent-primary"
                checked={isOn(choice)}
                onChange={(e) => onToggle(choice, e.target.checked)}
              />
              <span>{choice.label}</span>
              {choice.asks && !alwaysAllow.includes(choice.key) && <span className="text-xs text-muted-foreground">asks first</span>}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
