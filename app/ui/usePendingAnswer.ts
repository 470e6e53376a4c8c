import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";

/** First look after a second, then less often: each look reads the whole conversation. */
const pollDelay = (polls: number) => Math.min(1000 * 1.5 ** polls, 5000);

/**
 * Waits for an answer that another request is still writing: the conversation or vision thread was
 * opened while an answer streamed in another tab, or reloaded in the moment between Stop and the
 * Worker saving the partial answer (worker/store/answering.ts). Polls `load` until the answer is
 * saved, then hands over the stored messages. `cancel` is for when this page sends something
 * itself: its own request wins.
 */
export function usePendingAnswer(
  load: () => Promise<{ answering: boolean; messages: ChatMessage[] }>,
  initiallyPending: boolean,
  onArrived: (messages: ChatMessage[]) => void,
) {
  const [pending, setPending] = useState(initiallyPending);
  const [polls, setPolls] = useState(0);
  const [failure, setFailure] = useState<string>();
  // The latest callbacks, without restarting the wait each render.
  const latest = useRef({ load, onArrived });
  useEffect(() => {
    latest.current = { load, onArrived };
  }, [load, onArrived]);

  useEffect(() => {
    if (!pending) return;
    let live = true;
    const timer = setTimeout(() => {
      latest.current.load().then(
        (detail) => {
          if (!live) return;
          if (detail.answering) return setPolls((n) => n + 1);
          setPending(false);
          latest.current.onArrived(detail.messages);
        },
        // Deleted meanwhile, or offline: stop waiting, and say so; a reload shows whatever was saved.
        (error: Error) => {
          if (!live) return;
          setPending(false);
          setFailure(`Could not check for the answer (${error.message}). Reload the page to see what was saved.`);
        },
      );
    }, pollDelay(polls));
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [pending, polls]);

  return {
    pending,
    /** Why waiting stopped without the answer, as a sentence to show. */
    failure,
    cancel: () => {
      setPending(false);
      setFailure(undefined);
    },
  };
}
