import type { ReactNode } from "react";
import { MAX_BATCH } from "../../contract/images-api";
import { IMAGE_MODELS, type NumberRange } from "../../contract/image-models";
import { input, primaryButton } from "../ui/styles";
import { useEnterSends } from "../ui/useEnterSends";
import { defaultsFor, modelOf, type FormState } from "./form";

interface Props {
  form: FormState;
  onChange: (form: FormState) => void;
  onGenerate: () => void;
  busy: boolean;
}

/** The prompt and only the controls the chosen model accepts, with the catalog's ranges. */
export function ImageForm({ form, onChange, onGenerate, busy }: Props) {
  const model = modelOf(form);
  const set = (patch: Partial<FormState>) => onChange({ ...form, ...patch });
  // requestSubmit, not onGenerate: the form checks its fields (ranges, required) first, as the button does.
  const enterSends = useEnterSends<HTMLTextAreaElement>((prompt) => prompt.form?.requestSubmit());
  const number = (key: "steps" | "width" | "height" | "guidance", label: string, range: NumberRange | undefined) =>
    range && (
      <Field id={`image-${key}`} label={label} hint={`${range.min}–${range.max}`}>
        <input
          id={`image-${key}`}
          type="number"
          inputMode="decimal"
          className={input}
          min={range.min}
          max={range.max}
          step={range.step}
          value={form[key]}
          required
          onChange={(e) => set({ [key]: e.target.valueAsNumber })}
        />
      </Field>
    );

  return (
    <form
      aria-label="Image settings"
      className="grid gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        onGenerate();
      }}
    >
      <Field id="image-prompt" label="Prompt" hint="Enter generates, Shift+Enter adds a line">
        <textarea
          id="image-prompt"
          className={`${input} min-h-24 resize-y`}
          required
          maxLength={model.promptMaxLength}
          value={form.prompt}
          placeholder="A lighthouse on a cliff at dawn, oil painting"
          onChange={(e) => set({ prompt: e.target.value })}
          {...enterSends}
        />
      </Field>
      <Field id="image-model" label="Model" hint={model.note}>
        <select
          id="image-model"
          className={input}
          value={model.id}
          onChange={(e) =>
            onChange(
              defaultsFor(modelOf({ ...form, model: e.target.value }), {
                prompt: form.prompt,
                negativePrompt: form.negativePrompt,
                seed: form.seed,
                lockSeed: form.lockSeed,
                count: form.count,
              }),
            )
          }
        >
          {IMAGE_MODELS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label} — {m.vendor}
            </option>
          ))}
        </select>
      </Field>
      <div className="grid grid-cols-2 gap-3">
        {number("steps", "Steps", model.steps?.range)}
        {number("guidance", "Guidance", model.guidance?.range)}
        {number("width", "Width", model.width?.range)}
        {number("height", "Height", model.height?.range)}
      </div>
      {model.negativePrompt && (
        <Field id="image-negative" label="Negative prompt">
          <input
            id="image-negative"
            className={input}
            maxLength={model.negativePrompt.maxLength}
            value={form.negativePrompt}
            placeholder="What to keep out"
            onChange={(e) => set({ negativePrompt: e.target.value })}
          />
        </Field>
      )}
      {model.seed ? (
        <div className="grid grid-cols-[1fr_auto] items-end gap-3">
          <Field id="image-seed" label="Seed">
            {/* Unlocked, the Worker picks the seed: the field says so rather than show a number never sent.
                Each result shows the seed it got, and locking keeps the last one used. */}
            <input
              id="image-seed"
              type="number"
              inputMode="numeric"
              className={input}
              min={0}
              max={model.seed.max}
              step={1}
              value={form.lockSeed ? form.seed : ""}
              placeholder="random"
              disabled={!form.lockSeed}
              onChange={(e) => set({ seed: e.target.valueAsNumber })}
            />
          </Field>
          <label className="flex items-center gap-2 pb-1.5 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-primary"
              checked={form.lockSeed}
              onChange={(e) => set({ lockSeed: e.target.checked })}
            />
            Lock seed
          </label>
        </div>
      ) : (
        <p className="text-xs text-muted-foreground">{model.label} takes no seed: each image is new and cannot be made again exactly.</p>
      )}
      <div className="flex items-end gap-3">
        <Field id="image-count" label="Images">
          <select id="image-count" className={input} value={form.count} onChange={(e) => set({ count: Number(e.target.value) })}>
            {Array.from({ length: MAX_BATCH }, (_, i) => (
              <option key={i + 1}>{i + 1}</option>
            ))}
          </select>
        </Field>
        <button type="submit" className={`${primaryButton} h-9 flex-1`} disabled={busy || !form.prompt.trim()}>
          {busy ? "Generating…" : "Generate"}
        </button>
      </div>
    </form>
  );
}

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: ReactNode }) {
  return (
    <div className="min-w-0 flex-1">
      {/* The hint sits beside the label, not in it, so the control's name stays just the label. */}
      <div className="mb-1 flex justify-between gap-2 text-sm">
        <label htmlFor={id} className="font-medium">
          {label}
        </label>
        {hint && <span className="truncate text-xs text-muted-foreground">{hint}</span>}
      </div>
      {children}
    </div>
  );
}
