import { Chat } from "@ai-sdk/react";
import { lastAssistantMessageIsCompleteWithApprovalResponses } from "ai";
import type { ChatMessage } from "../../contract/messages";
import { AnswerTransport } from "./answer-transport";

/**
 * The AI SDK's side of useAnswerStream, in a chunk of its own: the SDK (with the zod schemas it
 * validates streamed chunks against) is about 20 KB gzipped, and the chat page's first render needs
 * none of it, only the composer and the messages it already read. useAnswerStream loads this after
 * that render (bench/notes/bundle.md).
 */
export interface AnswerChatOptions {
  id: string;
  api: string;
  threadPath: (id: string) => string;
  messages: ChatMessage[];
  body: () => object;
  onNothingToRejoin: () => void;
  onFinish: () => void;
  onError: () => void;
}

export function createAnswerChat({ id, api, threadPath, messages, body, onNothingToRejoin, onFinish, onError }: AnswerChatOptions) {
  const transport = new AnswerTransport(api, threadPath, body, onNothingToRejoin);
  const chat = new Chat<ChatMessage>({
    id,
    messages,
    transport,
    // A tool approval answered here goes straight to the server, which runs (or tells the model it
    // was denied) and carries on the same answer.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onFinish,
    onError,
  });
  return { chat, transport };
}

export type AnswerChat = ReturnType<typeof createAnswerChat>["chat"];

/**
 * What useChat's `resume` does: rejoin the answer running on the server now, and again when the tab
 * comes back into view if the network dropped it while hidden. Returns the cleanup.
 */
export function rejoinAnswers(chat: AnswerChat): () => void {
  let live = true;
  if (chat.status !== "submitted" && chat.status !== "streaming") void chat.resumeStream();
  // The AI SDK's own hook calls this internal method for the same purpose (@ai-sdk/react useChat).
  const resumeIfDisconnected = (
    chat as unknown as { "~resumeStreamIfDisconnected": (o: { shouldResume: () => boolean }) => Promise<void> }
  )["~resumeStreamIfDisconnected"];
  let pending: Promise<void> | undefined;
  const onVisibilityChange = () => {
    if (document.visibilityState !== "visible" || pending) return;
    const done = () => {
      pending = undefined;
    };
    pending = resumeIfDisconnected({ shouldResume: () => live && document.visibilityState === "visible" }).then(done, done);
  };
  document.addEventListener("visibilitychange", onVisibilityChange);
  return () => {
    live = false;
    document.removeEventListener("visibilitychange", onVisibilityChange);
  };
}
