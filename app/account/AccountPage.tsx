import { useCallback, useEffect, useState, type FormEvent } from "react";
import type { Invite, Passkey } from "../../contract/auth";
import { ACCOUNT_NAME_MAX } from "../../contract/auth";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { button, dangerButton, input, primaryButton } from "../ui/styles";
import * as api from "./passkeys";
import { setSession, useSession } from "./session";

/**
 * /account (loaded on demand): sign in or create a passkey (with the owner setup token, the new
 * account is the owner); for an account, its passkeys, invite links (SIGNUP=invite), signing out
 * everywhere, becoming owner and deleting it. Changes that need a recent passkey check ask for the
 * passkey first when the last check is old (./passkeys.ts).
 */
export default function AccountPage() {
  const session = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(async (action: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }, []);

  if (!session) return <p className="m-auto text-muted-foreground">Loading…</p>;
  const person = session.person;
  return (
    <main className="mx-auto w-full max-w-xl flex-1 overflow-y-auto p-4 sm:p-6">
      <h1 className="text-xl font-semibold">Account</h1>
      {error && (
        <p role="alert" className="mt-3 rounded-md border border-destructive/50 bg-destructive/10 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      {!session.passkeys ? (
        <p className="mt-3 text-sm text-muted-foreground">
          {person?.kind === "access" ? `Signed in through Cloudflare Access as ${person.email}.` : "Passkeys are not used here."}
        </p>
      ) : person?.kind === "account" ? (
        <SignedIn name={person.name} owner={person.owner} inviteLinks={session.signup === "invite"} busy={busy} run={run} />
      ) : (
        <SignedOut signup={session.signup} isGuest={person?.kind === "guest"} busy={busy} run={run} />
      )}
    </main>
  );
}

type Run = (action: () => Promise<void>) => Promise<void>;

function SignedOut({ signup, isGuest, busy, run }: { signup: string; isGuest: boolean; busy: boolean; run: Run }) {
  const invite = new URLSearchParams(window.location.search).get("invite") ?? undefined;
  const [name, setName] = useState("");
  const [ownerToken, setOwnerToken] = useState("");
  // Without open sign-up or an invite, only the owner setup token makes an account.
  const openToAll = signup === "open" || (signup === "invite" && Boolean(invite));
  const token = ownerToken.trim();

  function create(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      // On success the session turns into the account and this page shows it.
      await api.createPasskey({ name: name.trim(), ...(token ? { ownerToken: token } : { invite }) });
    });
  }

  return (
    <div className="mt-4 space-y-6">
      <section aria-labelledby="sign-in-heading" className="space-y-2">
        <h2 id="sign-in-heading" className="font-medium">
          Sign in
        </h2>
        <p className="text-sm text-muted-foreground">
          Use a passkey you made on this or another device.{isGuest ? " What you did here as a guest moves into your account." : ""}
        </p>
        <button type="button" className={primaryButton} disabled={busy} onClick={() => void run(api.signInWithPasskey)}>
          Sign in with a passkey
        </button>
      </section>
      <form onSubmit={create} aria-labelledby="create-heading" className="space-y-2">
        <h2 id="create-heading" className="font-medium">
          New here?
        </h2>
        <p className="text-sm text-muted-foreground">
          {!openToAll
            ? signup === "invite"
              ? "New accounts need an invite link from someone who has an account."
              : "This app is not taking new accounts."
            : isGuest
              ? "Keep everything you did as a guest, on every device: create a passkey."
              : "Create an account with a passkey: no password."}
        </p>
        <label className="block text-sm">
          Account name
          <input
            className={`${input} mt-1`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={ACCOUNT_NAME_MAX}
            autoComplete="nickname"
          />
        </label>
        <label className="block text-sm">
          Owner setup token <span className="text-muted-foreground">(only when setting up this app as its owner)</span>
          <input
            className={`${input} mt-1`}
            value={ownerToken}
            onChange={(e) => setOwnerToken(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <button type="submit" className={button} disabled={busy || !name.trim() || (!openToAll && !token)}>
          Create a passkey
        </button>
      </form>
    </div>
  );
}

function SignedIn({
  name,
  owner,
  inviteLinks,
  busy,
  run,
}: {
  name: string;
  owner: boolean;
  inviteLinks: boolean;
  busy: boolean;
  run: Run;
}) {
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [ownerToken, setOwnerToken] = useState("");
  const [invites, setInvites] = useState<Invite[]>([]);
  const [confirm, setConfirm] = useState<{ kind: "passkey"; id: string } | { kind: "account" } | null>(null);

  const reload = useCallback(async () => {
    setPasskeys(await api.listPasskeys());
    if (inviteLinks) setInvites(await api.listInvites());
  }, [inviteLinks]);
  useEffect(() => void run(reload), [run, reload]);

  function remove(id: string, evenLast: boolean) {
    setConfirm(null);
    void run(async () => (await api.removePasskey(id, evenLast), await reload()));
  }

  return (
    <div className="mt-4 space-y-6">
      <p className="text-sm">
        Signed in as <strong>{name}</strong>.
      </p>
      <section aria-labelledby="passkeys-heading" className="space-y-2">
        <h2 id="passkeys-heading" className="font-medium">
          Passkeys
        </h2>
        <ul aria-label="Passkeys" className="divide-y divide-border rounded-md border border-border">
          {passkeys?.map((passkey, index) => (
            <li key={passkey.id} className="flex items-center gap-2 px-3 py-2 text-sm">
              <span className="flex-1">
                Passkey {index + 1} · added {new Date(passkey.createdAt).toLocaleDateString()}
                {passkey.lastUsedAt ? ` · last used ${new Date(passkey.lastUsedAt).toLocaleDateString()}` : ""}
              </span>
              <button
                type="button"
                className={button}
                disabled={busy}
                aria-label={`Remove passkey ${index + 1}`}
                onClick={() => (passkeys.length === 1 ? setConfirm({ kind: "passkey", id: passkey.id }) : remove(passkey.id, false))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className={button}
          disabled={busy}
          onClick={() => void run(async () => (await api.addPasskey(), await reload()))}
        >
          Add a passkey
        </button>
      </section>
      {inviteLinks && (
        <section aria-labelledby="invites-heading" className="space-y-2">
          <h2 id="invites-heading" className="font-medium">
            Invite links
          </h2>
          <p className="text-sm text-muted-foreground">Each link makes one new account.</p>
          <ul aria-label="Invite links" className="space-y-1">
            {invites.map((invite) => (
              <li key={invite.code} className="flex items-center gap-2 text-sm">
                <input className={input} readOnly value={invite.url} aria-label="Invite link" onFocus={(e) => e.target.select()} />
                <button
                  type="button"
                  className={button}
                  disabled={busy}
                  onClick={() => void run(async () => (await api.withdrawInvite(invite.code), await reload()))}
                >
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className={button}
            disabled={busy}
            onClick={() => void run(async () => (await api.createInvite(), await reload()))}
          >
            Make an invite link
          </button>
        </section>
      )}
      <section aria-labelledby="everywhere-heading" className="space-y-2">
        <h2 id="everywhere-heading" className="font-medium">
          Sessions
        </h2>
        <p className="text-sm text-muted-foreground">
          Lost a device, or signed in on a computer that is not yours? Sign out on every device and browser, this one included.
        </p>
        <button
          type="button"
          className={button}
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await api.signOutEverywhere();
              // A full load: every page's state belonged to the account.
              window.location.assign("/");
            })
          }
        >
          Sign out everywhere
        </button>
      </section>
      {!owner && (
        <form
          aria-labelledby="owner-heading"
          className="space-y-2"
          onSubmit={(event) => {
            event.preventDefault();
            void run(async () => (await api.becomeOwner(ownerToken.trim()), setOwnerToken("")));
          }}
        >
          <h2 id="owner-heading" className="font-medium">
            Owner
          </h2>
          <p className="text-sm text-muted-foreground">Set this app up and become its owner with the owner setup token.</p>
          <label className="block text-sm">
            Owner setup token
            <input
              className={`${input} mt-1`}
              value={ownerToken}
              onChange={(e) => setOwnerToken(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <button type="submit" className={button} disabled={busy || !ownerToken.trim()}>
            Become owner
          </button>
        </form>
      )}
      <section aria-labelledby="danger-heading" className="space-y-2">
        <h2 id="danger-heading" className="font-medium">
          Delete account
        </h2>
        <p className="text-sm text-muted-foreground">Deletes your conversations, images, vision threads, usage and passkeys for good.</p>
        <button type="button" className={dangerButton} disabled={busy} onClick={() => setConfirm({ kind: "account" })}>
          Delete account
        </button>
      </section>
      {confirm?.kind === "passkey" && (
        <ConfirmDialog
          title="Remove your only passkey?"
          confirmLabel="Remove it anyway"
          onCancel={() => setConfirm(null)}
          onConfirm={() => remove(confirm.id, true)}
        >
          Without a passkey nobody can sign in to this account again, including you once you sign out. Add another passkey first unless you
          mean it.
        </ConfirmDialog>
      )}
      {confirm?.kind === "account" && (
        <ConfirmDialog
          title="Delete your account?"
          confirmLabel="Delete everything"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void run(async () => {
              await api.deleteAccount();
              setSession({ person: null, signup: "open", guests: true, passkeys: true });
              window.location.assign("/");
            });
          }}
        >
          Everything in this account is deleted and cannot be brought back.
        </ConfirmDialog>
      )}
    </div>
  );
}
