import { useId, useState, type FormEvent } from "react";
import { CONNECTOR_LIMITS, statusLabel, type ConnectorSummary, type ConnectorTool, type ToolSwitch } from "../../contract/connectors";
import { button, input, smallButton } from "../ui/styles";
import { refreshConnector, setConnectorToken, startOAuth, switchTool } from "./api";

/** One connector: status in words, its tools with their two switches, and what can be done with it. */
export function ConnectorCard({
  connector,
  onChange,
  onError,
  onRemove,
}: {
  connector: ConnectorSummary;
  onChange: (connector: ConnectorSummary) => void;
  onError: (message: string) => void;
  onRemove: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [editingToken, setEditingToken] = useState(false);
  const headingId = useId();

  const run = async (action: () => Promise<ConnectorSummary | undefined>) => {
    setBusy(true);
    try {
      const updated = await action();
      if (updated) onChange(updated);
    } catch (e) {
      onError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const signIn = () =>
    run(async () => {
      const result = await startOAuth(connector.id);
      if (result.authorizeUrl) window.location.assign(result.authorizeUrl);
      return result.connector;
    });

  const toggle = (tool: ConnectorTool, change: ToolSwitch) => run(() => switchTool(connector.id, tool.name, change));

  return (
    <li aria-labelledby={headingId} className="rounded-md border border-border p-3">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 id={headingId} className="font-semibold">
          {connector.name}
        </h2>
        <span className="break-all text-xs text-muted-foreground">{connector.url}</span>
      </div>
      <p className="mt-1 text-sm">
        Status:{" "}
        <span className={connector.status === "connected" ? "font-medium" : "font-medium text-destructive"}>
          {statusLabel(connector.status)}
        </span>
        {connector.auth === "bearer" && connector.hasToken && <span className="text-muted-foreground"> · bearer token stored</span>}
        {connector.auth === "oauth" && <span className="text-muted-foreground"> · OAuth</span>}
      </p>
      {connector.lastError && <p className="mt-1 text-sm text-destructive">Last error: {connector.lastError}</p>}

      <div className="mt-2 flex flex-wrap gap-2">
        <button
          type="button"
          className={button}
          disabled={busy}
          onClick={() => void run(async () => (await refreshConnector(connector.id)).connector)}
        >
          {busy ? "Checking…" : "Check again"}
        </button>
        {(connector.auth === "oauth" || connector.status === "needs_auth") && (
          <button type="button" className={button} disabled={busy} onClick={() => void signIn()}>
            Sign in with OAuth
          </button>
        )}
        <button type="button" className={button} disabled={busy} onClick={() => setEditingToken((v) => !v)} aria-expanded={editingToken}>
          {connector.auth === "bearer" && connector.hasToken ? "Replace token" : "Add a token"}
        </button>
        <button type="button" className={button} onClick={onRemove} aria-label={`Remove ${connector.name}`}>
          Remove
        </button>
      </div>
      {editingToken && (
        <TokenForm
          onSave={(token) =>
            run(async () => {
              const result = await setConnectorToken(connector.id, token);
              setEditingToken(false);
              return result.connector;
            })
          }
        />
      )}

      {connector.tools.length > 0 ? (
        <table className="mt-3 w-full text-left text-sm">
          <caption className="sr-only">Tools of {connector.name}</caption>
          <thead className="border-b border-border text-muted-foreground">
            <tr>
              <th className="py-1.5 pr-3 font-medium">Tool</th>
              <th className="py-1.5 pr-3 font-medium">Use</th>
              <th className="py-1.5 font-medium">Ask before running</th>
            </tr>
          </thead>
          <tbody>
            {connector.tools.map((tool) => (
              <tr key={tool.name} className="border-b border-border/60 align-top">
                <td className="py-1.5 pr-3">
                  <span className="font-mono text-xs font-medium">{tool.name}</span>
                  {tool.description && <span className="block text-xs text-muted-foreground">{tool.description}</span>}
                </td>
                <td className="py-1.5 pr-3">
                  <Switch
                    label={`Use ${tool.name}`}
                    checked={tool.enabled}
                    disabled={busy}
                    onChange={(enabled) => void toggle(tool, { enabled })}
                  />
                </td>
                <td className="py-1.5">
                  <Switch
                    label={`Ask before running ${tool.name}`}
                    checked={tool.askFirst}
                    disabled={busy}
                    onChange={(askFirst) => void toggle(tool, { askFirst })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        connector.status === "connected" && <p className="mt-3 text-sm text-muted-foreground">This server offers no tools.</p>
      )}
      {connector.toolsLeftOut > 0 && (
        <p className="mt-1 text-xs text-muted-foreground">
          {connector.toolsLeftOut} more tools are left out: at most {CONNECTOR_LIMITS.toolsPerConnector} per connector.
        </p>
      )}
    </li>
  );
}

/** A checkbox announced as a switch; its label is visually the column heading, read out in full. */
function Switch({
  label,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}) {
  return (
    <label className="inline-flex items-center gap-1.5">
      <input
        type="checkbox"
        role="switch"
        aria-checked={checked}
        className="size-4 accent-primary"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span aria-hidden="true" className="text-xs text-muted-foreground">
        {checked ? "On" : "Off"}
      </span>
      <span className="sr-only">{label}</span>
    </label>
  );
}

function TokenForm({ onSave }: { onSave: (token: string) => void }) {
  const [token, setToken] = useState("");
  const id = useId();
  const save = (event: FormEvent) => {
    event.preventDefault();
    onSave(token.trim());
  };
  return (
    <form className="mt-2 flex flex-wrap items-end gap-2" onSubmit={save}>
      <div className="min-w-48 flex-1">
        <label htmlFor={id} className="mb-1 block text-sm font-medium">
          New bearer token
        </label>
        <input
          id={id}
          className={`${input} font-mono`}
          type="password"
          autoComplete="off"
          value={token}
          maxLength={CONNECTOR_LIMITS.tokenChars}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
      <button type="submit" className={smallButton}>
        {token.trim() ? "Save token" : "Remove token"}
      </button>
    </form>
  );
}
