import type { SharedConversation, ShareLink } from "../../contract/share-api";
import { apiErrorFrom, request, UNREACHABLE } from "../api";

export async function shareConversation(conversationId: string): Promise<ShareLink> {
  return (await request<{ share: ShareLink }>(`/api/conversations/${encodeURIComponent(conversationId)}/share`, { method: "POST" })).share;
}

export async function listShares(): Promise<ShareLink[]> {
  return (await request<{ shares: ShareLink[] }>("/api/shares")).shares;
}

export function stopSharing(token: string): Promise<void> {
  return request(`/api/shares/${encodeURIComponent(token)}`, { method: "DELETE" });
}

export type SharedLoad = { state: "ready"; conversation: SharedConversation } | { state: "missing" } | { state: "failed"; message: string };

/**
 * A visitor's read. Plain fetch without credentials, not the app's `request`: a link is read as a
 * stranger, and must not make the Worker give this browser an identity.
 */
export async function readShared(token: string): Promise<SharedLoad> {
  try {
    const response = await fetch(`/api/shared/${encodeURIComponent(token)}`, { credentials: "omit" });
    // Every body is read, the 404's too: Chromium keeps a request whose body nobody reads open.
    const body = await response.text();
    if (response.status === 404) return { state: "missing" };
    if (!response.ok)
      return {
        state: "failed",
        message: apiErrorFrom(body, response.status, `The link could not be loaded (${response.status}).`).message,
      };
    return { state: "ready", conversation: JSON.parse(body) as SharedConversation };
  } catch {
    return { state: "failed", message: UNREACHABLE };
  }
}

export function shareUrl(token: string): string {
  return `${location.origin}/s/${token}`;
}
