import type { ChatStatus } from "ai";
import { useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";
import { request } from "../api";
import type { AnswerChat } from "./answer-chat";

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

let answerChat: Promise<typeof import("./answer-chat")> | undefined;
/**
 * The AI SDK's chunk (app/ui/answer-chat.ts), fetched once. Not part of the first load: the page
 * renders its messages and composer without it, and asks for it right after that render.
 */
export function loadAnswerChat() {
  answerChat ??= import("./answer-chat").catch((error: unknown) => {
    answerChat = undefined; // The next action tries again.
    throw error;
  });
  return answerChat;
}

const noop = () => {};

type Made = ReturnType<typeof import("./answer-chat").createAnswerChat>;

interface Snapshot {
  messages: ChatMessage[];
  status: ChatStatus;
  error: Error | undefined;
}

/**
 * Chat and vision share this: the AI SDK's chat over its HTTP protocol, for answers the server
 * writes on its own. A page opened mid-answer rejoins it (`resume`) and sees it grow live, as does
 * every other tab; how an answer ended comes from the server, in its metadata. Stop ends the answer
 * on the server (for every tab) and stops reading here; Continue carries on an interrupted one.
 *
 * What useChat (@ai-sdk/react) does, with the SDK loaded after the first render: until it is here
 * the thread shows the messages it was given, and an action taken meanwhile (sending the first
 * question) waits for it.
 */
export function useAnswerStream({ id, api, threadPath, initialMessages, body, exists, onFinish, onError, readThread }: Options) {
  const bodyRef = useRef(body);
  useEffect(() => {
    bodyRef.current = body;
  }, [body]);
  // Read when the SDK calls them, so they are this render's (as useChat does).
  const callbacksRef = useRef({ onFinish, onError });
  callbacksRef.current = { onFinish, onError };
  const rereadRef = useRef<() => void>(() => {});
  const [loadError, setLoadError] = useState<Error>();
  const [madeChat, setMadeChat] = useState<AnswerChat>();
  // Requests asked for while the chunk loads: the page shows them as submitted (Stop, not Send), as useChat would at once.
  const [waiting, setWaiting] = useState(0);

  // The thread's one chat, made on first need (after the first render, or by an earlier action),
  // and the actions on it, which keep their identity across renders as useChat's do.
  const [thread] = useState(() => {
    let made: Promise<Made> | undefined;
    let current: Made | undefined;
    let loadFailed = false;
    const getChat = () => {
      made ??= loadAnswerChat().then(
        ({ createAnswerChat }) => {
          loadFailed = false;
          setLoadError(undefined);
          current = createAnswerChat({
            id,
            api,
            threadPath,
            messages: initialMessages,
            body: () => bodyRef.current(),
            onNothingToRejoin: () => rereadRef.current(),
            onFinish: () => callbacksRef.current.onFinish?.(),
            onError: () => callbacksRef.current.onError?.(),
          });
          setMadeChat(current.chat);
          return current;
        },
        (error: unknown) => {
          made = undefined;
          loadFailed = true;
          setLoadError(new Error(`The chat code did not load (${(error as Error).message}). Check the connection and try again.`));
          throw error;
        },
      );
      return made;
    };
    /**
     * Runs on the chat, at once if it is here (so a setMessages and a sendMessage in one event keep
     * their order), else once it is. When its code could not load, the thread shows that error
     * (loadError) and the action is dropped; the next one loads it again.
     */
    const withChat =
      <A extends unknown[]>(act: (made: Made, ...args: A) => unknown, asks = false) =>
      async (...args: A): Promise<void> => {
        if (current) return void (await act(current, ...args));
        if (asks) setWaiting((n) => n + 1);
        const ready = await getChat().catch(() => undefined);
        try {
          if (ready) await act(ready, ...args);
        } finally {
          if (asks) setWaiting((n) => n - 1);
        }
      };
    return {
      getChat,
      setMessages: (next: ChatMessage[] | ((messages: ChatMessage[]) => ChatMessage[])) =>
        void withChat(({ chat }) => {
          chat.messages = typeof next === "function" ? next(chat.messages) : next;
        })(),
      sendMessage: withChat(({ chat }, ...args: Parameters<AnswerChat["sendMessage"]>) => chat.sendMessage(...args), true),
      regenerate: (...args: Parameters<AnswerChat["regenerate"]>) =>
        // Retry under "The chat code did not load" retries the loading; there is no answer to redo.
        loadFailed ? getChat().then(noop, noop) : withChat(({ chat }) => chat.regenerate(...args), true)(),
      addToolApprovalResponse: withChat(
        ({ chat }, ...args: Parameters<AnswerChat["addToolApprovalResponse"]>) => chat.addToolApprovalResponse(...args),
        true,
      ),
      /** Stops reading the answer here (the server writes on). */
      stopReading: withChat(({ chat }) => chat.stop()),
      /** Asks the server to carry on the interrupted last answer; it streams here from its start. */
      continueAnswer: () =>
        void withChat(({ chat, transport }) => {
          transport.continueOnNextRejoin();
          return chat.resumeStream();
        })(),
    };
  });
  useEffect(() => void thread.getChat().catch(noop), [thread]);

  useEffect(() => {
    if (!madeChat) return;
    return () => void madeChat.stop();
  }, [madeChat]);

  const [snapshot, setSnapshot] = useState<Snapshot>({ messages: initialMessages, status: "ready", error: undefined });
  useEffect(() => {
    if (!madeChat) return;
    let subscribed = true;
    const publish = () => {
      if (!subscribed) return;
      const { messages, status, error } = madeChat;
      setSnapshot((current) =>
        current.messages === messages && current.status === status && current.error === error ? current : { messages, status, error },
      );
    };
    const unsubscribes = [
      // Re-render at most every 50 ms while streaming, not on every token (bench/render.ts).
      madeChat["~registerMessagesCallback"](publish, 50),
      madeChat["~registerStatusCallback"](publish),
      madeChat["~registerErrorCallback"](publish),
    ];
    publish();
    return () => {
      subscribed = false;
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [madeChat]);

  useEffect(() => {
    if (!madeChat || !exists) return;
    let cleanup: (() => void) | undefined;
    let live = true;
    void loadAnswerChat().then(({ rejoinAnswers }) => {
      if (live) cleanup = rejoinAnswers(madeChat);
    });
    return () => {
      live = false;
      cleanup?.();
    };
  }, [madeChat, exists]);

  const chat = {
    id,
    messages: snapshot.messages,
    status: waiting > 0 && snapshot.status === "ready" ? ("submitted" as const) : snapshot.status,
    error: snapshot.error ?? loadError,
    setMessages: thread.setMessages,
    sendMessage: thread.sendMessage,
    regenerate: thread.regenerate,
    addToolApprovalResponse: thread.addToolApprovalResponse,
  };

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
  const { stopReading } = thread;

  const stopOnServer = async () => {
    setStopRequested(false);
    try {
      // The answer as the server saved it, with how it ended, replaces what this page has (none: 204).
      const saved = (await request<{ message: ChatMessage } | undefined>(`${threadPath(id)}/stop`, { method: "POST" }))?.message;
      await stopReading();
      if (saved) chat.setMessages((all) => all.map((m) => (m.id === saved.id ? saved : m)));
      setStopProblem(undefined);
    } catch (error) {
      await stopReading();
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
    continueAnswer: thread.continueAnswer,
  };
}
