import { useEffect, useId, useRef, useState } from "react";
import { COMPARE_LIMITS, type CompareSlot, type CompareStarted } from "../../../contract/compare";
import { randomId } from "../../../contract/ids";
import type { ChatMessage } from "../../../contract/messages";
import { CHAT_MODELS, findChatModel } from "../../../contract/models";
import { formatCost } from "../../../contract/pricing";
import { apiFetch, request } from "../../api";
import { button, input, primaryButton } from "../../ui/styles";
import { useModalDialog } from "../../ui/useModalDialog";
import { speed } from "../messageText";
import { type AnswerSoFar, readAnswer } from "./read-answer";

export interface ComparePanelProps {
  conversationId: string;
  /** The branch on screen: the question is asked after it. */
  messages: ChatMessage[];
  /** The conversation's model: the first column's. */
  model: string;
  /** The question was saved (a new conversation exists now). */
  onAsked: () => void;
  /** "Keep this one": the conversation goes on from this answer, with its model. */
  onKeep: (messageId: string, model: string) => Promise<void>;
  onClose: () => void;
}

interface Column {
  slot: number;
  model: string;
  messageId?: string;
  answer: AnswerSoFar;
}

const label = (model: string) => findChatModel(model)?.label ?? model;

/** Two different models to start with: the conversation's, and the next in the catalog. */
function firstPicks(model: string): string[] {
  const other = CHAT_MODELS.find((m) => m.id !== model && !m.needsAgreement)?.id ?? CHAT_MODELS[1].id;
  return [model, other];
}

/**
 * Side by side: one question asked of 2–3 models at once (POST /api/chat/compare). Each answer
 * streams in its own column (stacked on a phone) and ends with its time to first token, tokens/s
 * and cost; "Keep this one" puts that answer on screen and the conversation goes on from it. The
 * others stay as its versions. Closing leaves any answer still running to finish on the server.
 */
export default function ComparePanel({ conversationId, messages, model, onAsked, onKeep, onClose }: ComparePanelProps) {
  const { props, titleId } = useModalDialog(onClose);
  const questionId = useId();
  const [picks, setPicks] = useState(() => firstPicks(model));
  const [question, setQuestion] = useState("");
  const [columns, setColumns] = useState<Column[] | null>(null);
  const [problem, setProblem] = useState<string>();
  const [asking, setAsking] = useState(false);
  const [keeping, setKeeping] = useState<string>();
  // Closing stops reading the streams (the answers go on on the server). Made in the effect: a
  // development remount (StrictMode) aborts the first one.
  const stopReading = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    stopReading.current = controller;
    return () => controller.abort();
  }, []);

  const duplicate = new Set(picks).size !== picks.length;
  const canAsk = !asking && question.trim().length > 0 && !duplicate;

  const update = (slot: number, answer: AnswerSoFar) =>
    setColumns((current) => current?.map((c) => (c.slot === slot ? { ...c, answer } : c)) ?? null);

  const ask = async () => {
    setAsking(true);
    setProblem(undefined);
    const next: ChatMessage = { id: randomId(), role: "user", parts: [{ type: "text", text: question.trim() }] };
    try {
      const started = await request<CompareStarted>("/api/chat/compare", {
        method: "POST",
        body: JSON.stringify({ id: conversationId, messages: [...messages, next], models: picks }),
      });
      onAsked();
      setColumns(started.slots.map(columnOf));
      for (const slot of started.slots) if ("messageId" in slot) void follow(slot.slot);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setAsking(false);
    }
  };

  const follow = async (slot: number) => {
    const path = `/api/chat/compare/${encodeURIComponent(conversationId)}/stream?slot=${slot}`;
    try {
      const response = await apiFetch(path, { signal: stopReading.current.signal });
      await readAnswer(response, (answer) => update(slot, answer), stopReading.current.signal);
    } catch (error) {
      if ((error as Error).name !== "AbortError")
        update(slot, { text: "", ended: true, error: "The answer could not be followed. Reopen the conversation to see it." });
    }
  };

  const stop = (slot: number) =>
    void apiFetch(`/api/chat/compare/${encodeURIComponent(conversationId)}/stop?slot=${slot}`, { method: "POST" }).catch(() => {});

  const keep = async (column: Column) => {
    if (!column.messageId) return;
    setKeeping(column.messageId);
    await onKeep(column.messageId, column.model);
    onClose();
  };

  return (
    <dialog
      {...props}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(72rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-border bg-card p-4 text-card-foreground shadow-xl backdrop:bg-black/50"
    >
      <div className="flex items-center gap-2">
        <h2 id={titleId} className="text-base font-semibold">
          Compare models
        </h2>
        <button type="button" className={`${button} ml-auto`} onClick={onClose}>
          Close
        </button>
      </div>

      {columns === null ? (
        <form
          className="mt-3 flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (canAsk) void ask();
          }}
        >
          <div className="grid gap-2 sm:grid-cols-3">
            {picks.map((pick, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a pick is its position ("Model 2"), whichever model it names
              <div key={i} className="flex flex-col gap-1">
                <label htmlFor={`${questionId}-model-${i}`} className="text-sm font-medium">
                  Model {i + 1}
                </label>
                <select
                  id={`${questionId}-model-${i}`}
                  value={pick}
                  onChange={(e) => setPicks((p) => p.map((m, j) => (j === i ? e.target.value : m)))}
                  className="rounded-md border border-input bg-background py-1.5 pl-2 pr-7 text-sm"
                >
                  {CHAT_MODELS.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.label}
                    </option>
                  ))}
                </select>
                {i >= COMPARE_LIMITS.minModels && (
                  <button type="button" className={button} onClick={() => setPicks((p) => p.filter((_, j) => j !== i))}>
                    Remove model {i + 1}
                  </button>
                )}
              </div>
            ))}
          </div>
          {picks.length < COMPARE_LIMITS.maxModels && (
            <button
              type="button"
              className={`${button} self-start`}
              onClick={() => setPicks((p) => [...p, CHAT_MODELS.find((m) => !p.includes(m.id))!.id])}
            >
              Add a model
            </button>
          )}
          {duplicate && <p className="text-sm text-destructive">Pick a different model for each answer.</p>}
          <label htmlFor={questionId} className="text-sm font-medium">
            Question
          </label>
          <textarea id={questionId} className={input} rows={3} value={question} onChange={(e) => setQuestion(e.target.value)} />
          <p className="text-xs text-muted-foreground">Each model's answer is a model call of its own, paid from your budget.</p>
          <button type="submit" className={`${primaryButton} self-start`} disabled={!canAsk}>
            {asking ? "Asking…" : `Ask ${picks.length} models`}
          </button>
        </form>
      ) : (
        <>
          <p className="mt-3 whitespace-pre-wrap text-sm">
            <span className="font-medium">You asked: </span>
            {question.trim()}
          </p>
          <div className="mt-3 grid gap-3 md:grid-cols-2 lg:grid-cols-3">
            {columns.map((column) => (
              <AnswerColumn
                key={column.slot}
                column={column}
                keeping={keeping}
                onStop={() => stop(column.slot)}
                onKeep={() => void keep(column)}
              />
            ))}
          </div>
        </>
      )}
      {problem && (
        <p role="alert" className="mt-3 rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          {problem}
        </p>
      )}
    </dialog>
  );
}

function columnOf(slot: CompareSlot): Column {
  if ("messageId" in slot) return { slot: slot.slot, model: slot.model, messageId: slot.messageId, answer: { text: "", ended: false } };
  return { slot: slot.slot, model: slot.model, answer: { text: "", ended: true, error: slot.error.message } };
}

function AnswerColumn({ column, keeping, onStop, onKeep }: { column: Column; keeping?: string; onStop: () => void; onKeep: () => void }) {
  const headingId = useId();
  const { answer } = column;
  const meta = answer.metadata;
  const stats = meta && answer.ended ? [speed(meta), meta.cost && `Cost ${formatCost(meta.cost)}`].filter(Boolean).join(" · ") : undefined;
  const status = meta?.status && meta.status !== "complete" ? ` (${meta.status})` : "";
  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col gap-2 rounded-lg border border-border p-3">
      <h3 id={headingId} className="text-sm font-semibold">
        {label(column.model)}
        {status}
      </h3>
      <div className="min-h-16 whitespace-pre-wrap break-words text-sm" aria-live="polite" aria-busy={!answer.ended}>
        {answer.text || (!answer.ended ? "Writing…" : "")}
      </div>
      {answer.error && (
        <p role="alert" className="text-sm text-destructive">
          {answer.error}
        </p>
      )}
      {stats && <p className="text-xs text-muted-foreground">{stats}</p>}
      <div className="mt-auto flex gap-2">
        {!answer.ended && (
          <button type="button" className={button} onClick={onStop} aria-label={`Stop ${label(column.model)}`}>
            Stop
          </button>
        )}
        {answer.ended && column.messageId && answer.text && (
          <button
            type="button"
            className={primaryButton}
            disabled={keeping !== undefined}
            onClick={onKeep}
            aria-label={`Keep this one: ${label(column.model)}`}
          >
            {keeping === column.messageId ? "Keeping…" : "Keep this one"}
          </button>
        )}
      </div>
    </section>
  );
}
