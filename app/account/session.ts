import { useSyncExternalStore } from "react";
import type { SessionInfo } from "../../contract/auth";
import { markIdentityKnown, request } from "../api";

/**
 * Who this browser is (GET /api/session), shared by the header and the account page. Signing in or
 * out changes it; `setSession` publishes the Worker's answer to everyone showing it.
 */
let current: SessionInfo | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export function setSession(next: SessionInfo): void {
  current = next;
  if (next.person) markIdentityKnown();
  for (const listener of listeners) listener();
}

export function refreshSession(): Promise<void> {
  loading = request<SessionInfo>("/api/session").then(setSession, () => undefined);
  return loading;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!loading) void refreshSession();
  return () => listeners.delete(listener);
}

/** The session, or null until the first answer. */
export function useSession(): SessionInfo | null {
  return useSyncExternalStore(subscribe, () => current);
}
