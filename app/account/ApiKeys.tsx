import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { MAX_API_KEYS, type ApiKeySummary, type CreatedApiKey } from "../../contract/keys-api";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { CopyButton } from "../ui/CopyButton";
import { button, input, primaryButton } from "../ui/styles";
import { createKey, listKeys, revokeKey } from "./keys-api";

/**
 * Settings → API keys: personal keys for the OpenAI-compatible API at /v1. A new key is shown once,
 * with a copy button; the list shows what identifies a key (name, prefix) and when it was used.
 * Loaded on demand: it is not part of the chat page's first paint.
 */
export default function ApiKeys() {
  const [keys, setKeys] = useState<ApiKeySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKeySummary | null>(null);
  const nameId = useId();
  const newKeyId = useId();

  const reload = useCallback(() => {
    listKeys().then(setKeys, (e: Error) => setError(e.message));
  }, []);
  useEffect(reload, [reload]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await createKey(name));
      setName("");
      reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKeySummary) => {
    setRevoking(null);
    setError(null);
    try {
      await revokeKey(key.id);
      if (created?.id === key.id) setCreated(null);
    } catch (e) {
      setError((e as Error).message);
    }
    reload();
  };

  const full = keys !== null && keys.length >= MAX_API_KEYS;
  return (
    <section aria-labelledby="api-keys-heading" className="mt-4 border-t border-border pt-3">
      <h2 id="api-keys-heading" className="text-sm font-semibold">
        API keys
      </h2>
      <p className="mt-1 text-xs text-muted-foreground">
        Use this app's models from other tools that speak OpenAI's API, with base URL <code>{`${location.origin}/v1`}</code>. A key acts as
        you: its use counts against your daily budget. Anyone holding it can spend that budget, so revoke keys you no longer use.
      </p>

      <form className="mt-2 flex flex-wrap items-end gap-2" onSubmit={create}>
        <div className="min-w-48 flex-1">
          <label htmlFor={nameId} className="mb-1 block text-sm font-medium">
            Key name
          </label>
          <input
            id={nameId}
            className={input}
            value={name}
            maxLength={60}
            placeholder="e.g. my editor"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" className={primaryButton} disabled={busy || !name.trim() || full}>
          Create key
        </button>
      </form>
      {full && (
        <p className="mt-1 text-xs text-muted-foreground">You have {MAX_API_KEYS} keys, the most allowed. Revoke one to create another.</p>
      )}

      {created && (
        <div role="status" className="mt-3 rounded-md border border-border bg-muted/50 p-3">
          <label htmlFor={newKeyId} className="block text-sm font-medium">
            New API key “{created.name}”
          </label>
          <p className="text-xs text-muted-foreground">Copy it now: it is shown only once.</p>
          <div className="mt-1 flex items-center gap-2">
            <input id={newKeyId} className={`${input} font-mono`} readOnly value={created.key} onFocus={(e) => e.target.select()} />
            <CopyButton text={created.key} label="Copy API key" />
            <button type="button" className={button} onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      )}

      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}

      {keys === null ? (
        !error && <p className="mt-2 text-sm text-muted-foreground">Loading keys…</p>
      ) : keys.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">No API keys yet.</p>
      ) : (
        <ul aria-label="Your API keys" className="mt-3 divide-y divide-border rounded-md border border-border">
          {keys.map((key) => (
            <li key={key.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
              <span className="font-medium">{key.name}</span>
              <code className="text-xs text-muted-foreground">{key.prefix}…</code>
              <span className="text-xs text-muted-foreground">Created {when(key.createdAt)}</span>
              <span className="text-xs text-muted-foreground">{key.lastUsedAt ? `Last used ${when(key.lastUsedAt)}` : "Never used"}</span>
              <button type="button" className={`${button} ml-auto`} aria-label={`Revoke ${key.name}`} onClick={() => setRevoking(key)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}

      {revoking && (
        <ConfirmDialog
          title="Revoke this API key?"
          confirmLabel="Revoke key"
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        >
          Tools using “{revoking.name}” ({revoking.prefix}…) stop working at once. This cannot be undone.
        </ConfirmDialog>
      )}
    </section>
  );
}

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
