import { CHAT_MODELS, findChatModel, type ChatModel } from "../../contract/models";

function contextLabel(tokens: number): string {
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}K` : String(tokens);
}

/**
 * Only what the chat does with a model. "sees images": the composer attaches images for it.
 * "reasoning": the chat shows its reasoning collapsed, "Thought for N s" (ReasoningPart). "uses tools": the
 * chat offers it the tools switched on in the Tools control (built-ins and connectors) and runs
 * them; other models are sent none.
 */
function capabilities(model: ChatModel): string {
  return [
    `${contextLabel(model.contextWindow)} context`,
    model.vision && "sees images",
    model.tools && "uses tools",
    model.needsAgreement && "accepts its licence on first use",
    model.reasoning && "reasoning",
    model.plan === "paid" ? "Workers Paid" : "free",
  ]
    .filter(Boolean)
    .join(" · ");
}

export function ModelPicker({ value, onChange }: { value: string; onChange: (model: string) => void }) {
  const current = findChatModel(value);
  return (
    <div className="flex min-w-0 flex-col">
      <label htmlFor="model" className="sr-only">
        Model
      </label>
      <select
        id="model"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="max-w-full truncate rounded-md border border-input bg-background py-1.5 pl-2 pr-7 text-sm"
        aria-describedby="model-capabilities"
      >
        {!current && <option value={value}>{value} (not in the catalog)</option>}
        {CHAT_MODELS.map((model) => (
          <option key={model.id} value={model.id}>
            {model.label} — {capabilities(model)}
          </option>
        ))}
      </select>
      <p id="model-capabilities" className="mt-0.5 hidden truncate text-xs text-muted-foreground sm:block">
        {current ? [current.vendor, capabilities(current), current.note].filter(Boolean).join(" · ") : "Unknown model"}
      </p>
    </div>
  );
}
