import { useCallback, useEffect, useState } from "react";
import { CONNECTOR_LIMITS, type ConnectorSummary } from "../../contract/connectors";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { button } from "../ui/styles";
import { AddConnectorForm } from "./AddConnectorForm";
import { listConnectors, removeConnector } from "./api";
import { ConnectorCard } from "./ConnectorCard";

/**
 * /connectors (Settings → Connectors): the person's remote MCP servers. Add one by URL, with a bearer
 * token or by signing in with OAuth (the browser goes to the server's sign-in page and comes back
 * here); each lists its tools with two switches (offered to the model; asks before running), its
 * status and last error in words, and can be removed. Tokens are never shown again once entered.
 * Loaded on demand: the chat page does not carry it.
 */
export default function ConnectorsPage() {
  const [connectors, setConnectors] = useState<ConnectorSummary[] | null>(null);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [removing, setRemoving] = useState<ConnectorSummary | null>(null);

  const reload = useCallback(() => {
    listConnectors().then(
      (list) => {
        setConnectors(list);
        return list;
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  // Back from an OAuth sign-in: the Worker's callback says which connector, or what went wrong.
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const back = params.get("connector");
    const failed = params.get("error");
    if (failed) setError(failed);
    if (back || failed) {
      history.replaceState(history.state, "", location.pathname);
      if (back)
        listConnectors().then(
          (list) => {
            const connector = list.find((c) => c.id === back);
            if (connector) setNotice(`Signed in to ${connector.name}.`);
          },
          () => {},
        );
    }
    reload();
  }, [reload]);

  const replace = (updated: ConnectorSummary) => setConnectors((list) => list?.map((c) => (c.id === updated.id ? updated : c)) ?? null);

  const remove = async (connector: ConnectorSummary) => {
    setRemoving(null);
    setError(undefined);
    try {
      await removeConnector(connector.id);
      setNotice(`Removed ${connector.name}.`);
    } catch (e) {
      setError((e as Error).message);
    }
    reload();
  };

  const full = connectors !== null && connectors.length >= CONNECTOR_LIMITS.perPerson;
  return (
    <main className="mx-auto w-full max-w-3xl overflow-auto p-4">
      <h1 className="text-xl font-semibold">Connectors</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        Remote MCP servers whose tools your answers may use (with a model that uses tools). A tool asks before it runs unless you switch
        that off. Tokens you enter are stored encrypted and never shown again.
      </p>

      <AddConnectorForm
        disabled={full}
        onAdded={(connector) => {
          setError(undefined);
          setNotice(`Added ${connector.name}: ${connector.tools.length} tools.`);
          reload();
        }}
        onError={(message) => {
          setNotice(undefined);
          setError(message);
        }}
      />
      {full && (
        <p className="mt-1 text-xs text-muted-foreground">
          You have {CONNECTOR_LIMITS.perPerson} connectors, the most allowed. Remove one to add another.
        </p>
      )}

      {error && (
        <p role="alert" className="mt-3 rounded-md border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
          {error}
        </p>
      )}
      <p role="status" className="mt-3 text-sm empty:hidden">
        {notice}
      </p>

      {connectors === null ? (
        !error && <p className="mt-6 text-muted-foreground">Loading…</p>
      ) : connectors.length === 0 ? (
        <p className="mt-6 text-muted-foreground">No connectors yet.</p>
      ) : (
        <ul aria-label="Your connectors" className="mt-4 space-y-4">
          {connectors.map((connector) => (
            <ConnectorCard
              key={connector.id}
              connector={connector}
              onChange={replace}
              onError={setError}
              onRemove={() => setRemoving(connector)}
            />
          ))}
        </ul>
      )}

      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove"
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        >
          Its tools stop being offered to answers, and its token is deleted. Conversations keep the tool results they already have.
        </ConfirmDialog>
      )}
      <p className="mt-6">
        <button type="button" className={button} onClick={reload}>
          Reload list
        </button>
      </p>
    </main>
  );
}
