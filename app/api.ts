import type { BackendStatus, ChatSettings, Conversation, ConversationDetail } from "../contract/api";
import type { ErrorBody } from "../contract/errors";
import type { ChatMessage } from "../contract/messages";
import type { SearchHit, SearchResults } from "../contract/search";

/** An API failure carrying the sentence the Worker wrote for people, and the HTTP status for branching. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** Seconds until trying again can work (a rate limit's Retry-After), when the Worker said. */
    readonly retryAfter = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * The Worker's ErrorBody message if `text` is one, else `text` itself. The AI SDK puts a failed
 * response's body text into `Error.message`, so chat errors go through here too.
 */
/** Seconds to wait, when `text` is an ErrorBody with `retryAfter` (a 429); the AI SDK hands over the body text. */
export function retryAfterOf(text: string): number {
  try {
    return (JSON.parse(text) as Partial<ErrorBody>).error?.retryAfter ?? 0;
  } catch {
    return 0;
  }
}

export function readableMessage(text: string, fallback = "Something went wrong. Try again."): string {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body?.error?.message === "string") return body.error.message;
  } catch {
    // Not JSON: already a sentence (stream errorText) or a network failure.
  }
  return text.trim() || fallback;
}

/*
 * The Worker gives a browser its identity (a cookie) on its first request that writes; reads need
 * none. Writes sent in parallel before that cookie exists would each get a different identity, and
 * the last Set-Cookie would win, orphaning conversations. So until the browser is known to have an
 * identity, a write goes alone and the rest wait for it; reads always go at once.
 */
let identity: "unknown" | "known" = "unknown";
let pending: Promise<void> | undefined;

/** The session said this browser already is someone (see account/session.ts). */
export function markIdentityKnown(): void {
  identity = "known";
}

/** `fetch` that waits for the identity-setting first write; the chat transport uses it too. */
export const apiFetch: typeof fetch = async (input, init) => {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  if (method === "GET" || method === "HEAD") return fetch(input, init);
  while (identity === "unknown" && pending) await pending;
  if (identity === "known") return fetch(input, init);
  const response = fetch(input, init);
  // Any answer carries the cookie. A failed or aborted request does not, so the next one goes first instead.
  pending = response.then(
    () => void (identity = "known"),
    () => void (pending = undefined),
  );
  return response;
};

/** A JSON API call whose failures carry the Worker's sentence (and Retry-After) as an ApiError. */
export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await apiFetch(path, {
      ...init,
      headers: init.body ? { "content-type": "application/json" } : undefined,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError("Could not reach the server. Check your connection and try again.", 0);
  }
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(readableMessage(text, `Request failed (${response.status}).`), response.status, retryAfterOf(text));
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export function getStatus(): Promise<BackendStatus> {
  return request("/api/status");
}

export async function listConversations(q: string, signal?: AbortSignal): Promise<Conversation[]> {
  const query = q.trim() ? `?q=${encodeURIComponent(q.trim())}` : "";
  const body = await request<{ conversations: Conversation[] }>(`/api/conversations${query}`, { signal });
  return body.conversations;
}

/** Messages and titles holding the words (`GET /api/search`). */
export async function searchMessages(q: string, signal?: AbortSignal): Promise<SearchHit[]> {
  const body = await request<SearchResults>(`/api/search?q=${encodeURIComponent(q.trim())}`, { signal });
  return body.hits;
}

/** The conversation once the title model is done naming it (at once when it is not). */
export async function conversationWithTitle(id: string): Promise<Conversation> {
  const body = await request<{ conversation: Conversation }>(`/api/conversations/${encodeURIComponent(id)}/title`);
  return body.conversation;
}

export function getConversation(id: string): Promise<ConversationDetail> {
  return request(`/api/conversations/${encodeURIComponent(id)}`);
}

export async function updateConversation(id: string, patch: { title?: string; settings?: ChatSettings }): Promise<Conversation> {
  const body = await request<{ conversation: Conversation }>(`/api/conversations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: JSON.stringify(patch),
  });
  return body.conversation;
}

export function deleteConversation(id: string): Promise<void> {
  return request(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
}
