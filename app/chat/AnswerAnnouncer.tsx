import type { ChatStatus } from "ai";
import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";

/** How long the end waits for the answer's final form (a stop saves it after the stream has ended). */
const SETTLE_MS = 300;

const ENDED: Record<string, string> = {
  stopped: "Answer stopped.",
  failed: "Answer failed.",
  interrupted: "Answer interrupted.",
};

/**
 * What a screen reader hears while an answer is written: one sentence when it starts and one when it
 * ends, in a polite live region. The message log itself is not live, or every streamed token would
 * be read out (or, held by aria-busy, the whole answer at once at the end).
 */
export function AnswerAnnouncer({ status, last }: { status: ChatStatus; last: ChatMessage | undefined }) {
  const [text, setText] = useState("");
  const wasBusy = useRef(false);
  const latest = useRef({ status, last });
  latest.current = { status, last };

  useEffect(() => {
    // Said when the question is sent, not at the first token: a short answer can arrive whole in one
    // render, so "streaming" is never seen and the start would go unsaid (CI caught that on the tiny
    // local model). Start and end always alternate, so each is a change that gets read.
    if (status === "submitted" || status === "streaming") {
      if (!wasBusy.current) setText("Answer started.");
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    const timer = setTimeout(() => {
      const { status: now, last: message } = latest.current;
      const ended = message?.role === "assistant" ? message.metadata?.status : undefined;
      setText(now === "error" ? "Answer failed." : ((ended && ENDED[ended]) ?? "Answer finished."));
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [status]);

  return (
    <p role="status" aria-label="Answer progress" className="sr-only">
      {text}
    </p>
  );
}
