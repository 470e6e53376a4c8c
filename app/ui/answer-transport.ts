import { DefaultChatTransport, type UIMessageChunk } from "ai";
import type { ChatMessage } from "../../contract/messages";
import { apiFetch } from "../api";

/**
 * The AI SDK's HTTP transport for one kind of thread, whose answers are written by the server and
 * outlive the request: `POST {api}` asks, `GET {thread}/stream` rejoins the running answer (the AI
 * SDK's resume protocol), and Continue (`POST {thread}/continue`) is read the way a rejoin is, since
 * its stream also replays the answer from its start.
 */
export class AnswerTransport extends DefaultChatTransport<ChatMessage> {
  private continueNext = false;

  constructor(
    api: string,
    private readonly threadPath: (id: string) => string,
    body: () => object,
    /** Told when a rejoin found nothing running (204): the answer may have ended since the page read the thread. */
    private readonly onNothingToRejoin?: () => void,
  ) {
    super({
      api,
      fetch: apiFetch,
      body,
      prepareReconnectToStreamRequest: ({ id }) => ({ api: `${threadPath(id)}/stream` }),
    });
  }

  /** The next rejoin asks to continue the interrupted answer instead (see useAnswerStream). */
  continueOnNextRejoin(): void {
    this.continueNext = true;
  }

  override async reconnectToStream(
    options: Parameters<DefaultChatTransport<ChatMessage>["reconnectToStream"]>[0],
  ): Promise<ReadableStream<UIMessageChunk> | null> {
    if (!this.continueNext) {
      const stream = await super.reconnectToStream(options);
      if (!stream && !options.abortSignal?.aborted) this.onNothingToRejoin?.();
      return stream;
    }
    this.continueNext = false;
    const response = await apiFetch(`${this.threadPath(options.chatId)}/continue`, { method: "POST", signal: options.abortSignal });
    if (!response.ok || !response.body) throw new Error(await response.text());
    return this.processResponseStream(response.body);
  }
}
