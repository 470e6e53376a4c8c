import { lazy, Suspense, useState } from "react";
import { CHAT_SETTINGS_LIMITS as L, findChatModel } from "../../contract/models";
import { reasoningEffortSchema, type ReasoningEffort } from "../../contract/tools";
import { button, input } from "../ui/styles";
import type { EditableSettings } from "./settings";

// Not on the chat page's first paint: loaded when the person opens it.
const ApiKeys = lazy(() => import("../account/ApiKeys"));

interface Props {
  id: string;
  settings: EditableSettings;
  onChange: (patch: Partial<EditableSettings>) => void;
}

export function SettingsPanel({ id, settings, onChange }: Props) {
  // Max tokens is typed, so an in-between value ("" while retyping) must not reach the settings.
  const [maxTokensText, setMaxTokensText] = useState(String(settings.maxTokens));
  const maxTokensValid = (n: number) => Number.isInteger(n) && n >= L.maxTokens.min && n <= L.maxTokens.max;
  const [keysOpen, setKeysOpen] = useState(false);

  return (
    <section id={id} aria-label="Conversation settings" className="border-b border-border bg-card px-4 py-3">
      <div className="mx-auto grid max-w-3xl gap-3 sm:grid-cols-[1fr_12rem]">
        <div className="sm:row-span-2">
          <label htmlFor="system-prompt" className="mb-1 block text-sm font-medium">
            System prompt
          </label>
          <textarea
            id="system-prompt"
            className={`${input} min-h-20 resize-y`}
            maxLength={L.systemPrompt.maxLength}
            value={settings.system}
            placeholder="Optional instructions the model follows in this conversation"
            onChange={(e) => onChange({ system: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="temperature" className="mb-1 flex justify-between text-sm font-medium">
            Temperature{" "}
            <output htmlFor="temperature" className="font-normal text-muted-foreground">
              {settings.temperature.toFixed(1)}
            </output>
          </label>
          <input
            id="temperature"
            type="range"
            className="w-full accent-primary"
            min={L.temperature.min}
            max={L.temperature.max}
            step={0.1}
            value={settings.temperature}
            onChange={(e) => onChange({ temperature: Number(e.target.value) })}
          />
        </div>
        <div>
          <label htmlFor="max-tokens" className="mb-1 block text-sm font-medium">
            Max tokens
          </label>
          <input
            id="max-tokens"
            type="number"
            inputMode="numeric"
            className={input}
            min={L.maxTokens.min}
            max={L.maxTokens.max}
            step={1}
            value={maxTokensText}
            aria-invalid={!maxTokensValid(Number(maxTokensText))}
            onChange={(e) => {
              setMaxTokensText(e.target.value);
              const n = Number(e.target.value);
              if (e.target.value !== "" && maxTokensValid(n)) onChange({ maxTokens: n });
            }}
          />
          {!maxTokensValid(Number(maxTokensText)) && (
            <p className="mt-1 text-xs text-destructive">
              Between {L.maxTokens.min} and {L.maxTokens.max}.
            </p>
          )}
        </div>
        {findChatModel(settings.model)?.reasoningEffort && (
          <ReasoningEffortControl value={settings.reasoningEffort} onChange={(reasoningEffort) => onChange({ reasoningEffort })} />
        )}
      </div>
      <div className="mx-auto mt-3 max-w-3xl">
        <button
          type="button"
          className={button}
          aria-expanded={keysOpen}
          aria-controls="api-keys"
          onClick={() => setKeysOpen((open) => !open)}
        >
          API keys
        </button>
        <div id="api-keys">
          {keysOpen && (
            <Suspense fallback={<p className="mt-2 text-sm text-muted-foreground">Loading…</p>}>
              <ApiKeys />
            </Suspense>
          )}
        </div>
      </div>
    </section>
  );
}

const EFFORT_LABELS: Record<ReasoningEffort, string> = { low: "Low", medium: "Medium", high: "High" };

/** Only for models that take an effort (the catalog's `reasoningEffort`); unset, they think at medium (their documented default). */
function ReasoningEffortControl({ value, onChange }: { value: ReasoningEffort | undefined; onChange: (effort: ReasoningEffort) => void }) {
  return (
    <div className="sm:col-start-2">
      <label htmlFor="reasoning-effort" className="mb-1 block text-sm font-medium">
        Reasoning effort
      </label>
      <select
        id="reasoning-effort"
        className={input}
        value={value ?? "medium"}
        aria-describedby="reasoning-effort-hint"
        onChange={(e) => onChange(reasoningEffortSchema.parse(e.target.value))}
      >
        {reasoningEffortSchema.options.map((effort) => (
          <option key={effort} value={effort}>
            {EFFORT_LABELS[effort]}
          </option>
        ))}
      </select>
      <p id="reasoning-effort-hint" className="mt-1 text-xs text-muted-foreground">
        How long the model thinks before it answers. Higher is slower and uses more tokens.
      </p>
    </div>
  );
}
