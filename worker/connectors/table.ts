import type { OAuthAuthorizationServerInformation, OAuthClientInformation, OAuthTokens } from "@ai-sdk/mcp";
import {
  CONNECTOR_LIMITS,
  type ConnectorAuth,
  type ConnectorStatus,
  type ConnectorSummary,
  type ConnectorTool,
  type ToolSwitch,
} from "../../contract/connectors";
import { ConnectorCrypto, type SecretEnv } from "./crypto";
import { toolKey } from "./keys";

/** What a connector keeps encrypted (./crypto.ts): never listed, never sent to the browser. */
export interface ConnectorSecret {
  bearer?: string;
  oauth?: {
    tokens?: OAuthTokens;
    client?: OAuthClientInformation;
    /** Whether `client` came from dynamic registration (the SDK may then drop and redo it). */
    dynamic?: boolean;
    verifier?: string;
    state?: string;
    server?: OAuthAuthorizationServerInformation;
    /** The callback address sign-in started with (the app's origin then), reused when tokens are refreshed. */
    redirect?: string;
  };
}

export type ConnectorRow = {
  id: string;
  name: string;
  url: string;
  auth: ConnectorAuth;
  status: ConnectorStatus;
  last_error: string | null;
  has_secret: number;
  tools_left_out: number;
  created_at: number;
  checked_at: number | null;
};

type ToolRow = {
  connector_id: string;
  name: string;
  description: string;
  enabled: number;
  ask_first: number;
};

/** A tool as the server lists it. */
export interface ListedTool {
  name: string;
  description?: string;
}

const ROW_COLUMNS = "id, name, url, auth, status, last_error, secret IS NOT NULL AS has_secret, tools_left_out, created_at, checked_at";

/**
 * The person's connectors in their Durable Object's SQL (worker/store/connectors/schema.ts): one row
 * per connector with its encrypted secret, and one per listed tool with the person's two switches.
 * Deleting the connector deletes its tools and its secret; deleting the account wipes the whole store.
 */
export class ConnectorTable {
  private readonly crypto: ConnectorCrypto;

  constructor(
    private readonly sql: SqlStorage,
    env: SecretEnv,
    personId: string,
  ) {
    this.crypto = new ConnectorCrypto(env, personId);
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM connectors").one().n;
  }

  row(id: string): ConnectorRow | null {
    return this.sql.exec<ConnectorRow>(`SELECT ${ROW_COLUMNS} FROM connectors WHERE id = ?`, id).toArray()[0] ?? null;
  }

  rows(): ConnectorRow[] {
    return this.sql.exec<ConnectorRow>(`SELECT ${ROW_COLUMNS} FROM connectors ORDER BY created_at, id`).toArray();
  }

  list(): ConnectorSummary[] {
    const tools = this.toolsByConnector();
    const taken = new Set<string>();
    return this.rows().map((row) =>
      summary(
        row,
        (tools.get(row.id) ?? []).map((tool) => ({ ...tool, key: toolKey(row.id, tool.name, taken) })),
      ),
    );
  }

  get(id: string): ConnectorSummary | null {
    return this.list().find((c) => c.id === id) ?? null;
  }

  insert(connector: { id: string; name: string; url: string; auth: ConnectorAuth; now: number }): void {
    this.sql.exec(
      "INSERT INTO connectors (id, name, url, auth, status, created_at) VALUES (?, ?, ?, ?, 'needs_auth', ?)",
      connector.id,
      connector.name,
      connector.url,
      connector.auth,
      connector.now,
    );
  }

  remove(id: string): boolean {
    this.sql.exec("DELETE FROM connector_tools WHERE connector_id = ?", id);
    return this.sql.exec("DELETE FROM connectors WHERE id = ?", id).rowsWritten > 0;
  }

  setAuthKind(id: string, auth: ConnectorAuth): void {
    this.sql.exec("UPDATE connectors SET auth = ? WHERE id = ?", auth, id);
  }

  setName(id: string, name: string): void {
    this.sql.exec("UPDATE connectors SET name = ? WHERE id = ?", name, id);
  }

  setStatus(id: string, status: ConnectorStatus, lastError: string | null, now: number): void {
    this.sql.exec("UPDATE connectors SET status = ?, last_error = ?, checked_at = ? WHERE id = ?", status, lastError, now, id);
  }

  async readSecret(id: string): Promise<ConnectorSecret | null> {
    const stored = this.sql.exec<{ secret: string | null }>("SELECT secret FROM connectors WHERE id = ?", id).toArray()[0]?.secret;
    if (!stored) return null;
    const plain = await this.crypto.decrypt(id, stored);
    return plain === null ? null : (JSON.parse(plain) as ConnectorSecret);
  }

  async writeSecret(id: string, secret: ConnectorSecret | null): Promise<void> {
    const empty = !secret || (!secret.bearer && !secret.oauth);
    const stored = empty ? null : await this.crypto.encrypt(id, JSON.stringify(secret));
    this.sql.exec("UPDATE connectors SET secret = ? WHERE id = ?", stored, id);
  }

  /**
   * The server's tools as just listed: the first CONNECTOR_LIMITS.toolsPerConnector, in its order. A tool
   * listed before keeps the person's switches; a new one starts on and asking first; one gone is dropped.
   */
  saveTools(id: string, listed: ListedTool[]): void {
    const kept = uniqueByName(listed).slice(0, CONNECTOR_LIMITS.toolsPerConnector);
    const previous = this.toolsByConnector(id).get(id) ?? [];
    const before = new Map(previous.map((t) => [t.name, t]));
    this.sql.exec("DELETE FROM connector_tools WHERE connector_id = ?", id);
    kept.forEach((tool, position) => {
      const old = before.get(tool.name);
      this.sql.exec(
        "INSERT INTO connector_tools (connector_id, name, description, enabled, ask_first, position) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        tool.name,
        (tool.description ?? "").slice(0, 2_000),
        old ? Number(old.enabled) : 1,
        old ? Number(old.askFirst) : 1,
        position,
      );
    });
    this.sql.exec("UPDATE connectors SET tools_left_out = ? WHERE id = ?", Math.max(0, uniqueByName(listed).length - kept.length), id);
  }

  switchTool(id: string, name: string, change: ToolSwitch): boolean {
    const sets: string[] = [];
    const values: number[] = [];
    if (change.enabled !== undefined) sets.push("enabled = ?") && values.push(Number(change.enabled));
    if (change.askFirst !== undefined) sets.push("ask_first = ?") && values.push(Number(change.askFirst));
    const written = this.sql.exec(
      `UPDATE connector_tools SET ${sets.join(", ")} WHERE connector_id = ? AND name = ?`,
      ...values,
      id,
      name,
    ).rowsWritten;
    return written > 0;
  }

  private toolsByConnector(only?: string): Map<string, Omit<ConnectorTool, "key">[]> {
    const rows = only
      ? this.sql.exec<ToolRow>("SELECT * FROM connector_tools WHERE connector_id = ? ORDER BY position", only).toArray()
      : this.sql.exec<ToolRow>("SELECT * FROM connector_tools ORDER BY connector_id, position").toArray();
    const byConnector = new Map<string, Omit<ConnectorTool, "key">[]>();
    for (const row of rows) {
      const list = byConnector.get(row.connector_id) ?? [];
      list.push({ name: row.name, description: row.description, enabled: row.enabled === 1, askFirst: row.ask_first === 1 });
      byConnector.set(row.connector_id, list);
    }
    return byConnector;
  }
}

function uniqueByName(listed: ListedTool[]): ListedTool[] {
  const seen = new Set<string>();
  return listed.filter((tool) => typeof tool.name === "string" && tool.name !== "" && !seen.has(tool.name) && seen.add(tool.name));
}

function summary(row: ConnectorRow, tools: ConnectorTool[]): ConnectorSummary {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    auth: row.auth,
    hasToken: row.has_secret === 1,
    status: row.status,
    lastError: row.last_error,
    tools,
    toolsLeftOut: row.tools_left_out,
    createdAt: row.created_at,
    checkedAt: row.checked_at,
  };
}
