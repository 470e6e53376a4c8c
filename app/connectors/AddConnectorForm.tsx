import { useId, useState, type FormEvent } from "react";
import { CONNECTOR_LIMITS, type ConnectorSummary } from "../../contract/connectors";
import { input, primaryButton } from "../ui/styles";
import { addConnector } from "./api";

type AuthChoice = "none" | "bearer" | "oauth";

/** Add a connector: its URL and how to authorise (nothing, a bearer token, or OAuth sign-in, which leaves the page). */
export function AddConnectorForm({
  disabled,
  onAdded,
  onError,
}: {
  disabled: boolean;
  onAdded: (connector: ConnectorSummary) => void;
  onError: (message: string) => void;
}) {
  const [url, setUrl] = useState("");
  const [token, setToken] = useState("");
  const [authChoice, setAuthChoice] = useState<AuthChoice>("none");
  const [busy, setBusy] = useState(false);
  const urlId = useId();
  const tokenId = useId();
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const result = await addConnector({
        url: url.trim(),
        ...(authChoice === "bearer" && token.trim() ? { token: token.trim() } : {}),
        ...(authChoice === "oauth" ? { oauth: true } : {}),
      });
      if (result.authorizeUrl) {
        // The server's sign-in page; it sends the browser back to /connectors.
        window.location.assign(result.authorizeUrl);
        return;
      }
      setUrl("");
      setToken("");
      onAdded(result.connector);
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="mt-4 space-y-3 rounded-md border border-border p-3" aria-label="Add a connector" onSubmit={submit}>
      <div>
        <label htmlFor={urlId} className="mb-1 block text-sm font-medium">
          Server URL
        </label>
        <input
          id={urlId}
          className={input}
          type="url"
          inputMode="url"
          required
          value={url}
          maxLength={CONNECTOR_LIMITS.urlChars}
          placeholder="https://example.com/mcp"
          aria-describedby={hintId}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p id={hintId} className="mt-1 text-xs text-muted-foreground">
          The server's Streamable HTTP (or SSE) address, often ending in /mcp.
        </p>
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Sign-in</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
          {(
            [
              ["none", "None"],
              ["bearer", "Bearer token"],
              ["oauth", "Sign in with OAuth"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="inline-flex items-center gap-1.5">
              <input
                type="radio"
                name="connector-auth"
                value={value}
                checked={authChoice === value}
                onChange={() => setAuthChoice(value)}
              />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {authChoice === "bearer" && (
        <div>
          <label htmlFor={tokenId} className="mb-1 block text-sm font-medium">
            Bearer token
          </label>
          <input
            id={tokenId}
            className={`${input} font-mono`}
            type="password"
            autoComplete="off"
            required
            value={token}
            maxLength={CONNECTOR_LIMITS.tokenChars}
            onChange={(e) => setToken(e.target.value)}
          />
        </div>
      )}
      <button type="submit" className={primaryButton} disabled={busy || disabled || !url.trim()}>
        {busy ? "Connecting…" : authChoice === "oauth" ? "Add and sign in" : "Add connector"}
      </button>
    </form>
  );
}
