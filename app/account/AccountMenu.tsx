import { lazy, Suspense } from "react";
import { Link, useLocation } from "wouter";
import type { SessionInfo } from "../../contract/auth";
import { request } from "../api";
import { button, smallButton } from "../ui/styles";
import { setSession, useSession } from "./session";

/**
 * The header's "who you are": Guest, the account's name, or the Access email, with Sign in / Sign
 * out. Kept tiny because it is on the chat page's first paint; passkeys load with the account page.
 */
export function AccountMenu() {
  const session = useSession();
  const [, navigate] = useLocation();
  if (!session) return null;
  const { person } = session;

  async function signOut() {
    await request("/api/auth/sign-out", { method: "POST", body: "{}" }).catch(() => undefined);
    setSession({ ...session!, person: null });
    // A full load: every page's state belonged to the account.
    window.location.assign("/");
  }

  const who = person?.kind === "account" ? person.name : person?.kind === "access" ? person.email : "Guest";
  return (
    <div className="flex min-w-0 items-center gap-2">
      {person?.kind === "account" ? (
        <Link href="/account" className={`${smallButton} max-w-32 truncate`} aria-label={`Account: ${who}`}>
          {who}
        </Link>
      ) : (
        <span className="max-w-40 truncate text-sm text-muted-foreground" aria-label={`Signed in as ${who}`}>
          {who}
        </span>
      )}
      {session.passkeys &&
        (person?.kind === "account" ? (
          <button type="button" className={button} onClick={() => void signOut()}>
            Sign out
          </button>
        ) : (
          <button type="button" className={button} onClick={() => navigate("/account")}>
            Sign in
          </button>
        ))}
    </div>
  );
}

const TurnstileGate = lazy(() => import("./TurnstileGate"));

/**
 * Someone who is nobody yet, where that matters: with guests off they are told how to get in instead
 * of meeting errors; with Turnstile on they see the check that makes them a guest.
 */
export function SignInNotice() {
  const session = useSession();
  const [path] = useLocation();
  if (!session || session.person || path === "/account") return null;
  if (!session.guests) return <SignInBanner session={session} />;
  if (session.turnstileSiteKey) {
    return (
      <Suspense fallback={null}>
        <TurnstileGate siteKey={session.turnstileSiteKey} />
      </Suspense>
    );
  }
  return null;
}

function SignInBanner({ session }: { session: SessionInfo }) {
  return (
    <div role="status" className="border-b border-border bg-muted px-4 py-2 text-sm">
      {session.passkeys ? (
        <>
          This app is for people with an account.{" "}
          <Link href="/account" className="underline">
            Sign in
          </Link>{" "}
          with a passkey{session.signup === "closed" ? "" : ", or create one"}.
        </>
      ) : (
        "This app is behind Cloudflare Access and your sign-in is missing or expired. Reload the page to sign in again."
      )}
    </div>
  );
}
