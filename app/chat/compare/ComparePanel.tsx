import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { COMPARE_LIMITS, type CompareRunning, type CompareStarted } from "../../../contract/compare";
import { randomId } from "../../../contract/ids";
import type { ChatMessage } from "../../../contract/messages";
import { CHAT_MODELS } from "../../../contract/models";
import { request } from "../../api";
import { button, input, primaryButton } from "../../ui/styles";
import { useModalDialog } from "../../ui/useModalDialog";
import { AnswerColumn } from "./AnswerColumn";
import { messageText } from "../messageText";
import { type Column, useCompareAnswers } from "./useCompareAnswers";

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
  /** A project's "New chat" draft: its first question makes the conversation in that project. */
  projectId?: string;
  /** A turn already being written (the page opened or reloaded mid-way): its answers, not the question form. */
  rejoin?: CompareRunning;
  /** Closed while answers are still written: they are still read here, to be shown again as they are then. */
  hidden?: boolean;
  /** How many answers are still being written, told as that changes. */
  onWriting?: (count: number) => void;
}

/** Two different models to start with: the conversation's, and the next in the catalog. */
function firstPicks(model: string): string[] {
  const other = CHAT_MODELS.find((m) => m.id !== model && !m.needsAgreement)?.id ?? CHAT_MODELS[1].id;
  return [model, other];
}

/**
 * Side by side: one question asked of 2–3 models at once (POST /api/chat/compare). Each answer
 * streams in its own column (stacked on a phone) and ends with its time to first token, tokens/s
 * and cost; "Keep this one" puts that answer on screen and the conversation goes on from it. The
 * others stay as its versions. Answers are written on the server whatever the page does: a page
 * opened mid-way shows them again (`rejoin`), and one closed mid-way (`hidden`) keeps reading them.
 */
export default function ComparePanel({
  conversationId,
  messages,
  model,
  onAsked,
  onKeep,
  onClose,
  rejoin,
  hidden,
  onWriting,
  projectId,
}: ComparePanelProps) {
  const questionId = useId();
  const [picks, setPicks] = useState(() => firstPicks(model));
  // A rejoined turn's question is on screen in the conversation.
  const [question, setQuestion] = useState(() => {
    const asked = messages.find((m) => m.id === rejoin?.questionId);
    return asked ? messageText(asked) : "";
  });
  const answers = useCompareAnswers(conversationId, rejoin);
  const { columns } = answers;
  const [problem, setProblem] = useState<string>();
  const [asking, setAsking] = useState(false);
  const [keeping, setKeeping] = useState<string>();
  const tellWriting = useRef(onWriting);
  tellWriting.current = onWriting;
  useEffect(() => tellWriting.current?.(answers.writing), [answers.writing]);

  const duplicate = new Set(picks).size !== picks.length;
  const canAsk = !asking && question.trim().length > 0 && !duplicate;

  const ask = async () => {
    setAsking(true);
    setProblem(undefined);
    const next: ChatMessage = { id: randomId(), role: "user", parts: [{ type: "text", text: question.trim() }] };
    try {
      const started = await request<CompareStarted>("/api/chat/compare", {
        method: "POST",
        body: JSON.stringify({ id: conversationId, messages: [...messages, next], models: picks, ...(projectId ? { projectId } : {}) }),
      });
      onAsked();
      answers.started(started.questionId, started.slots);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setAsking(false);
    }
  };

  const keep = async (column: Column) => {
    if (!column.messageId) return;
    setKeeping(column.messageId);
    await onKeep(column.messageId, column.model);
  };

  if (hidden) return null;
  return (
    <Dialog onClose={onClose}>
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
                onStop={() => answers.stop(column.slot)}
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
    </Dialog>
  );
}

/** The modal dialog itself: mounted only while shown (useModalDialog opens it for as long as it is). */
function Dialog({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  const { props, titleId } = useModalDialog(onClose);
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
      {children}
    </dialog>
  );
}
