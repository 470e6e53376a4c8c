import type { BackendStatus, ChatSettings, Conversation, ConversationDetail, ConversationListBody } from "../contract/api";
import type { ErrorBody, ErrorCode } from "../contract/errors";
import type { ChatMessage } from "../contract/messages";
import type { SearchHit, SearchResults } from "../contract/search";

/** An API failure: the sentence the Worker wrote for people, the HTTP status, and the error's code. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** 0 when the server was not reached. */
    readonly status: number,
    readonly code?: ErrorCode,
    /** Seconds until trying again can work (a rate limit's Retry-After), when the Worker said. */
    readonly retryAfter = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const UNREACHABLE = "Could not reach the server. Check your connection and try again.";

/**
 * The one place the Worker's ErrorBody is read. Text that is not one (a stream's own sentence, a
 * proxy's error page) becomes the message as it is.
 */
export function apiErrorFrom(text: string, status: number, fallback = "Something went wrong. Try again."): ApiError {
  try {
    const { error } = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof error?.message === "string") return new ApiError(error.message, status, error.code, error.retryAfter ?? 0);
  } catch {
    // Not JSON: already a sentence, or nothing useful.
  }
  return new ApiError(text.trim() || fallback, status);
}

/**
 * Any error a page shows, as an ApiError. The AI SDK puts a failed chat response's body text into
 * `Error.message`, so chat and vision errors are decoded here, once.
 */
export function toApiError(error: Error): ApiError {
  return error instanceof ApiError ? error : apiErrorFrom(error.message, 0);
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

/** An API call (a JSON body, a form, or none) whose failures are ApiErrors carrying the Worker's sentence. */
export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await apiFetch(path, {
      ...init,
      headers: typeof init.body === "string" ? { "content-type": "application/json" } : undefined,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(UNREACHABLE, 0);
  }
  if (!response.ok) throw apiErrorFrom(await response.text(), response.status, `Request failed (${response.status}).`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export function getStatus(): Promise<BackendStatus> {
  return request("/api/status");
}

/** Conversations whose titles hold `q`; without words, the sidebar's first load (each group's first page). */
export async function listConversations(q: string, signal?: AbortSignal): Promise<Conversation[]> {
  const query = q.trim() ? `?q=${encodeURIComponent(q.trim())}` : "";
  const body = await request<{ conversations: Conversation[] }>(`/api/conversations${query}`, { signal });
  return body.conversations;
}

export type SidebarList = Required<Pick<ConversationListBody, "conversations" | "groups">>;

/** The sidebar's first load: every group's first page, its size, and where its next page starts. */
export function listSidebar(signal?: AbortSignal): Promise<SidebarList> {
  return request("/api/conversations", { signal });
}

/** A sidebar group's next page (`projectId` null: the conversations in no project), after the cursor it gave. */
export function listSidebarPage(
  projectId: string | null,
  before: string,
  limit?: number,
  signal?: AbortSignal,
): Promise<{ conversations: Conversation[]; next: string | null }> {
  const query = new URLSearchParams({ project: projectId ?? "none", before, ...(limit ? { limit: String(limit) } : {}) });
  return request(`/api/conversations?${query}`, { signal });
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
