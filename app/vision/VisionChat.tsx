import { useCallback, useEffect, useState } from "react";
import { VISION_MODELS } from "../../contract/models";
import type { VisionImage, VisionMessage } from "../../contract/vision-api";
import { Composer } from "../chat/Composer";
import { MessageList } from "../chat/MessageList";
import { useStickToBottom } from "../chat/useStickToBottom";
import { ErrorNotice } from "../ui/ErrorNotice";
import { preloadMarkdown } from "../ui/LazyMarkdown";
import { button } from "../ui/styles";
import { useAnswerStream } from "../ui/useAnswerStream";
import { notifyUsageChanged } from "../ui/usage-events";
import { getThread } from "./api";

const SUGGESTIONS = ["Describe this image", "Read the text in it", "Count the objects"];

interface Props {
  threadId: string;
  image: VisionImage;
  initialMessages: VisionMessage[];
  /** The thread is stored on the server (not a new upload), so an answer may be running there to rejoin. */
  exists: boolean;
  initialModel: string;
  /** Called once a question has been sent, so the page can show the thread's address and list it. */
  onAsked: () => void;
}

/**
 * Questions and streamed answers about one image, with the chat's message list, composer and answer
 * stream. Follow-ups send text only: the Worker re-attaches the image.
 */
export function VisionChat({ threadId, image, initialMessages, exists, initialModel, onAsked }: Props) {
  const [model, setModel] = useState(initialModel);
  const stick = useStickToBottom();
  useEffect(preloadMarkdown, []);

  const requestBody = useCallback(() => ({ imageId: image.id, model }), [image.id, model]);
  const chat = useAnswerStream({
    id: threadId,
    api: "/api/vision",
    threadPath: (id) => `/api/vision/threads/${encodeURIComponent(id)}`,
    initialMessages,
    body: requestBody,
    exists,
    readThread: (id) => getThread(id).then((detail) => detail.messages),
    onFinish: () => {
      onAsked();
      notifyUsageChanged();
    },
  });

  const ask = (text: string) => {
    if (!text.trim() || chat.busy) return;
    stick.scrollToBottom();
    void chat.sendMessage({ text: text.trim() });
    onAsked();
  };

  return (
    <section aria-label="Questions about the image" className="flex min-w-0 flex-1 flex-col gap-3">
      <MessageList
        messages={chat.messages}
        status={chat.status}
        stick={stick}
        onRegenerate={() => void chat.regenerate()}
        onContinue={chat.continueAnswer}
        empty={
          <div className="flex flex-wrap gap-2" role="group" aria-label="Suggested questions">
            {SUGGESTIONS.map((s) => (
              <button key={s} type="button" className={button} disabled={chat.busy} onClick={() => ask(s)}>
                {s}
              </button>
            ))}
          </div>
        }
        footer={
          (chat.error || chat.stopProblem) && (
            <div role="alert" className="rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm text-destructive">
              {chat.error && <ErrorNotice error={chat.error} onRetry={() => void chat.regenerate()} />}
              {chat.stopProblem && <p>{chat.stopProblem}</p>}
            </div>
          )
        }
      />
      <Composer
        busy={chat.busy}
        stopping={chat.stopping}
        onSend={ask}
        onStop={chat.stop}
        label="Question"
        showLabel
        inputId="vision-question"
        placeholder={chat.messages.length ? "Ask a follow-up…" : "What would you like to know about the image?"}
        sendLabel="Ask"
        extra={
          <>
            <label htmlFor="vision-model" className="text-sm">
              Model
            </label>
            <select
              id="vision-model"
              value={model}
              onChange={(e) => setModel(e.target.value)}
              className="min-w-0 max-w-full flex-1 rounded-md border border-input bg-background py-1.5 pl-2 pr-7 text-sm sm:flex-none"
            >
              {VISION_MODELS.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label}
                  {m.plan === "paid" ? " — Workers Paid" : ""}
                  {m.needsAgreement ? " — accepts its licence on first use" : ""}
                </option>
              ))}
            </select>
          </>
        }
      />
    </section>
  );
}
