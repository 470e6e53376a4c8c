import { useChat } from "@ai-sdk/react";
import { lastAssistantMessageIsCompleteWithApprovalResponses } from "ai";
import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";
import { request } from "../api";
import { AnswerTransport } from "./answer-transport";

interface Options {
  id: string;
  /** Where questions go: "/api/chat" or "/api/vision". */
  api: string;
  /** The thread's own address, under which …/stream, …/stop and …/continue live. */
  threadPath: (id: string) => string;
  initialMessages: ChatMessage[];
  /** Extra request body, read when a request starts (so the latest settings go out). */
  body: () => object;
  /** The thread exists on the server, so an answer may be running there to rejoin. */
  exists: boolean;
  onFinish?: () => void;
  onError?: () => void;
  /** The thread as the server has it now (its messages on screen): read again when a rejoin comes too late. */
  readThread?: (id: string) => Promise<ChatMessage[]>;
}

/**
 * Chat and vision share this: `useChat` over the AI SDK's HTTP protocol, for answers the server
 * writes on its own. A page opened mid-answer rejoins it (`resume`) and sees it grow live, as does
 * every other tab; how an answer ended comes from the server, in its metadata. Stop ends the answer
 * on the server (for every tab) and stops reading here; Continue carries on an interrupted one.
 */
export function useAnswerStream({ id, api, threadPath, initialMessages, body, exists, onFinish, onError, readThread }: Options) {
  const bodyRef = useRef(body);
  useEffect(() => {
    bodyRef.current = body;
  }, [body]);
  const rereadRef = useRef<() => void>(() => {});
  const [transport] = useState(
    () =>
      new AnswerTransport(
        api,
        threadPath,
        () => bodyRef.current(),
        () => rereadRef.current(),
      ),
  );
  const chat = useChat<ChatMessage>({
    id,
    messages: initialMessages,
    transport,
    resume: exists,
    // A tool approval answered here goes straight to the server, which runs (or tells the model it
    // was denied) and carries on the same answer.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    // Re-render at most every 50 ms while streaming, not on every token (bench/render.ts).
    throttle: 50,
    onFinish: () => onFinish?.(),
    onError: () => onError?.(),
  });

  // The page read the thread while an answer ran, and the answer ended before the rejoin asked for
  // it (204): the page would show the question without its answer until a reload. Read it again,
  // once, and only if nothing has changed on the page since.
  const rereadOnce = useRef(false);
  const latestRef = useRef(chat);
  latestRef.current = chat;
  rereadRef.current = () => {
    const shown = latestRef.current.messages.at(-1);
    if (!readThread || rereadOnce.current || shown?.role !== "user") return;
    rereadOnce.current = true;
    void readThread(id).then(
      (messages) => {
        const now = latestRef.current;
        if (now.status === "ready" && now.messages.at(-1)?.id === shown.id) now.setMessages(messages);
      },
      () => {},
    );
  };
  const [stopProblem, setStopProblem] = useState<string>();
  const [stopRequested, setStopRequested] = useState(false);
  const busy = chat.status === "submitted" || chat.status === "streaming";

  const stopOnServer = async () => {
    setStopRequested(false);
    try {
      // The answer as the server saved it, with how it ended, replaces what this page has (none: 204).
      const saved = (await request<{ message: ChatMessage } | undefined>(`${threadPath(id)}/stop`, { method: "POST" }))?.message;
      await chat.stop();
      if (saved) chat.setMessages((all) => all.map((m) => (m.id === saved.id ? saved : m)));
      setStopProblem(undefined);
    } catch (error) {
      await chat.stop();
      setStopProblem(
        `The answer could not be stopped on the server (${(error as Error).message}); it may still be written. Reload to see it.`,
      );
    }
  };

  // Stop before the answer has started: the request that asks must reach the server first, or the
  // answer it starts would run on unseen. Stop as soon as it streams.
  useEffect(() => {
    if (stopRequested && chat.status === "streaming") void stopOnServer();
    if (stopRequested && !busy) setStopRequested(false);
  });

  return {
    ...chat,
    busy,
    stopping: stopRequested,
    stopProblem,
    stop: () => (chat.status === "submitted" ? setStopRequested(true) : void stopOnServer()),
    /** Asks the server to carry on the interrupted last answer; it streams here from its start. */
    continueAnswer: () => {
      transport.continueOnNextRejoin();
      void chat.resumeStream();
    },
  };
}
