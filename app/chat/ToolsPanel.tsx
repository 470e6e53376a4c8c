import { useId } from "react";
import { findBuiltinTool } from "../../contract/builtin-tools";
import { TOOL_LIMITS } from "../../contract/tools";
import { input, smallButton } from "../ui/styles";
import type { EditableSettings } from "./settings";
import { BUILTIN_CHOICES, isToolOn, switchTool, type ToolChoice, useConnectorTools } from "./tool-choices";

interface PanelProps {
  id: string;
  settings: EditableSettings;
  onChange: (patch: Partial<EditableSettings>) => void;
  /** Why this model gets no tools; unset when it can use them. */
  reason?: string;
}

/** The Tools panel: loaded when it is first opened (ToolsControl), so the chat page's first load carries only its button. */
export default function ToolsPanel({ id: panelId, settings, onChange, reason }: PanelProps) {
  const stepsId = useId();
  const connectorTools = useConnectorTools(true);
  const capable = !reason;
  const builtins = BUILTIN_CHOICES;
  const all = [...builtins, ...connectorTools];
  const isOn = (choice: ToolChoice) => isToolOn(settings.tools, choice);
  const toggle = (choice: ToolChoice, on: boolean) => onChange({ tools: switchTool(settings.tools, all, choice.key, on) });

  return (
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
  choices: readonly ToolChoice[];
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
