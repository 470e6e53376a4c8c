import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { Invite, Passkey, SessionInfo } from "../../contract/auth";
import { ApiError, request } from "../api";
import { setSession } from "./session";

/**
 * The passkey ceremonies and account calls. Loaded with the account page only, so
 * @simplewebauthn/browser is not part of the chat page's first load.
 */

const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body) });

/** The browser's WebAuthn prompt was dismissed or failed: say so as a person would read it. */
function ceremonyError(error: unknown): never {
  if (error instanceof ApiError) throw error;
  const name = (error as Error)?.name;
  if (name === "NotAllowedError" || name === "AbortError")
    throw new ApiError("The passkey prompt was closed or timed out. Try again when you are ready.", 0);
  if (name === "InvalidStateError") throw new ApiError("This authenticator already has a passkey for this account.", 0);
  throw new ApiError(`The browser could not use a passkey: ${(error as Error)?.message ?? String(error)}`, 0);
}

/**
 * Runs `action`; when the Worker says it needs a recent passkey check (adding a passkey, deleting the
 * account, becoming owner), asks for the passkey once ("Confirm with your passkey") and runs it again.
 */
async function withFreshPasskey<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "passkey_check_required") throw error;
    await signInWithPasskey();
    return action();
  }
}

/** Makes this browser an account (or adds a passkey to the account it already is). */
export async function createPasskey(input: { name?: string; invite?: string; ownerToken?: string }): Promise<void> {
  try {
    const options = await request<PublicKeyCredentialCreationOptionsJSON>("/api/auth/registration/options", post(input));
    const response = await startRegistration({ optionsJSON: options });
    const result = await request<SessionInfo | { added: true }>("/api/auth/registration/verify", post({ response }));
    if ("person" in result) setSession(result);
  } catch (error) {
    ceremonyError(error);
  }
}

/** Another passkey for the account this browser is (after a passkey check when the last one is old). */
export function addPasskey(): Promise<void> {
  return withFreshPasskey(() => createPasskey({}));
}

/** Signs in, or confirms the account's passkey (the same ceremony; the session's check time is renewed). */
export async function signInWithPasskey(): Promise<void> {
  try {
    const options = await request<PublicKeyCredentialRequestOptionsJSON>("/api/auth/authentication/options", post({}));
    const response = await startAuthentication({ optionsJSON: options });
    setSession(await request<SessionInfo>("/api/auth/authentication/verify", post({ response })));
  } catch (error) {
    ceremonyError(error);
  }
}

export async function listPasskeys(): Promise<Passkey[]> {
  return (await request<{ passkeys: Passkey[] }>("/api/auth/passkeys")).passkeys;
}

export function removePasskey(id: string, evenLast: boolean): Promise<void> {
  return request(`/api/auth/passkeys/${encodeURIComponent(id)}${evenLast ? "?confirm=last" : ""}`, { method: "DELETE" });
}

export async function listInvites(): Promise<Invite[]> {
  return (await request<{ invites: Invite[] }>("/api/invites")).invites;
}

export async function createInvite(): Promise<Invite> {
  return (await request<{ invite: Invite }>("/api/invites", post({}))).invite;
}

export function withdrawInvite(code: string): Promise<void> {
  return request(`/api/invites/${encodeURIComponent(code)}`, { method: "DELETE" });
}

export function deleteAccount(): Promise<void> {
  return withFreshPasskey(() => request("/api/account", { method: "DELETE" }));
}

/** This account becomes the deployment's owner with the owner setup token. */
export async function becomeOwner(token: string): Promise<void> {
  setSession(await withFreshPasskey(() => request<SessionInfo>("/api/account/owner", post({ token }))));
}

/** Ends the account's session in every browser, this one included. */
export function signOutEverywhere(): Promise<void> {
  return request("/api/auth/sign-out-everywhere", post({}));
}
