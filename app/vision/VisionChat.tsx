import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useEffect, useRef, useState } from "react";
import { VISION_MODELS } from "../../contract/models";
import type { VisionImage, VisionMessage } from "../../contract/vision-api";
import { apiFetch } from "../api";
import { ErrorNotice } from "../ui/ErrorNotice";
import { markFailed, markStopped } from "../ui/answer-marks";
import { PendingAnswerNotice } from "../ui/PendingAnswerNotice";
import { usePendingAnswer } from "../ui/usePendingAnswer";
import { getThread } from "./api";
import { notifyUsageChanged } from "../ui/usage-events";
import { answerDetails, messageText } from "../chat/messageText";
import { LazyMarkdown, preloadMarkdown } from "../ui/LazyMarkdown";
import { button, input, primaryButton } from "../ui/styles";

const SUGGESTIONS = ["Describe this image", "Read the text in it", "Count the objects"];

interface Props {
  threadId: string;
  image: VisionImage;
  initialMessages: VisionMessage[];
  /** The stored thread's last answer is still being written by another request. */
  answering: boolean;
  initialModel: string;
  /** Called once a question has been sent, so the page can show the thread's address and list it. */
  onAsked: () => void;
}

/** Questions and streamed answers about one image. Follow-ups send text only: the Worker re-attaches the image. */
export function VisionChat({ threadId, image, initialMessages, answering, initialModel, onAsked }: Props) {
  const [model, setModel] = useState(initialModel);
  const [question, setQuestion] = useState("");
  useEffect(preloadMarkdown, []);

  // The transport reads the model when a request starts, so the latest choice always goes out.
  const modelRef = useRef(model);
  modelRef.current = model;
  const [transport] = useState(
    () => new DefaultChatTransport<VisionMessage>({ api: "/api/vision", fetch: apiFetch, body: () => ({ imageId: image.id, model: modelRef.current }) }),
  );
  const { messages, sendMessage, status, error, stop, regenerate, setMessages } = useChat<VisionMessage>({
    id: threadId,
    messages: initialMessages,
    transport,
    onFinish: ({ message, isAbort }) => {
      if (isAbort) setMessages((all) => markStopped(all, message.id));
      onAsked();
      notifyUsageChanged();
    },
    onError: (failure) => setMessages((all) => markFailed(all, failure)),
  });
  const busy = status === "submitted" || status === "streaming";
  const pendingAnswer = usePendingAnswer(() => getThread(threadId), answering, setMessages);

  const ask = (text: string) => {
    if (!text.trim() || busy) return;
    pendingAnswer.cancel();
    void sendMessage({ text: text.trim() });
    setQuestion("");
    onAsked();
  };

  return (
    <section aria-label="Questions about the image" className="flex min-w-0 flex-1 flex-col gap-3">
      <ol className="flex flex-col gap-4" aria-live="polite">
        {messages.map((m, i) => (
          <li key={m.id}>
            <Turn message={m} streaming={busy && i === messages.length - 1 && m.role === "assistant"} />
          </li>
        ))}
      </ol>
      <PendingAnswerNotice wait={pendingAnswer} />
      {error && (
        <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          <ErrorNotice error={error} onRetry={() => void regenerate()} />
        </div>
      )}

      {messages.length === 0 && (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Suggested questions">
          {SUGGESTIONS.map((s) => (
            <button key={s} type="button" className={button} disabled={busy} onClick={() => ask(s)}>
              {s}
            </button>
          ))}
        </div>
      )}

      <form
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          ask(question);
        }}
      >
        <label htmlFor="vision-question" className="text-sm font-medium">
          Question
        </label>
        <textarea
          id="vision-question"
          className={`${input} min-h-20 resize-y`}
          value={question}
          placeholder={messages.length ? "Ask a follow-up…" : "What would you like to know about the image?"}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              ask(question);
            }
          }}
        />
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor="vision-model" className="text-sm">
            Model
          </label>
          <select id="vision-model" value={model} onChange={(e) => setModel(e.target.value)} className="min-w-0 max-w-full flex-1 rounded-md border border-input bg-background py-1.5 pl-2 pr-7 text-sm sm:flex-none">
            {VISION_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
                {m.plan === "paid" ? " — Workers Paid" : ""}
                {m.needsAgreement ? " — accepts its licence on first use" : ""}
              </option>
            ))}
          </select>
          <span className="ml-auto flex gap-2">
            {busy ? (
              <button type="button" className={button} onClick={() => void stop()}>
                Stop
              </button>
            ) : (
              <button type="submit" className={primaryButton} disabled={!question.trim()}>
                Ask
              </button>
            )}
          </span>
        </div>
      </form>
    </section>
  );
}

function Turn({ message, streaming }: { message: VisionMessage; streaming: boolean }) {
  const text = messageText(message);
  const meta = message.metadata;
  if (message.role === "user") {
    return (
      <article aria-label="You" className="ml-auto w-fit max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-muted px-4 py-2 text-[0.95rem]">
        {text}
      </article>
    );
  }
  return (
    <article aria-label="Assistant" className="flex flex-col gap-1">
      {meta?.note && (
        <p role="status" className="rounded-md bg-sky-50 px-2 py-1 text-xs text-sky-900 dark:bg-sky-950 dark:text-sky-200">
          {meta.note}
        </p>
      )}
      {text ? <LazyMarkdown streaming={streaming}>{text}</LazyMarkdown> : streaming && <span className="text-sm text-muted-foreground">Looking at the image…</span>}
      {meta?.status === "stopped" && <p className="text-xs font-medium text-amber-700 dark:text-amber-400">Stopped — partial answer</p>}
      {meta?.status === "failed" && <p className="text-xs font-medium text-destructive">Failed: {meta.error ?? "the answer broke off."}</p>}
      {!streaming && <span className="text-xs text-muted-foreground">{answerDetails(message)}</span>}
    </article>
  );
}
