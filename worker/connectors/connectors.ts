import { auth } from "@ai-sdk/mcp";
import {
  CONNECTOR_LIMITS,
  type AddConnectorRequest,
  type ConnectorResult,
  type ConnectorSummary,
  type ToolSwitch,
} from "../../contract/connectors";
import { AppError } from "../../contract/errors";
import { randomId } from "../../contract/ids";
import { log } from "../log";
import { connect, describeFailure, listTools } from "./mcp-client";
import { checkedFetch, type OutboundEnv, refusalOf } from "./outbound";
import { connectorIdOfState, StoredOAuthProvider } from "./oauth";
import type { ConnectorTable } from "./table";

/**
 * What the person's Durable Object does for Settings → Connectors: add a server (connecting once to
 * list its tools), refresh it, switch its tools, sign in with OAuth, remove it. Every address the MCP
 * client and the OAuth flow fetch goes through the outbound rule (./outbound.ts).
 */
export class Connectors {
  constructor(
    readonly table: ConnectorTable,
    private readonly env: OutboundEnv,
    private readonly now: () => number = Date.now,
  ) {}

  list(): ConnectorSummary[] {
    return this.table.list();
  }

  async add(input: AddConnectorRequest, origin: string): Promise<ConnectorResult> {
    if (this.table.count() >= CONNECTOR_LIMITS.perPerson) throw new AppError("too_many_connectors");
    const url = new URL(input.url).href;
    if (this.table.rows().some((row) => row.url === url)) throw new AppError("connector_exists");
    const refused = refusalOf(url, this.env);
    if (refused) throw new AppError("address_refused", refused);
    const id = randomId();
    const auth = input.oauth ? "oauth" : input.token ? "bearer" : "none";
    this.table.insert({ id, name: input.name || new URL(url).host, url, auth, now: this.now() });
    if (input.token) await this.table.writeSecret(id, { bearer: input.token });
    if (input.oauth) return this.startOAuth(id, origin, { removeOnFailure: true });
    const failure = await this.check(id);
    if (failure) {
      // Nothing to keep: the person fixes the address or the token and adds it again.
      this.table.remove(id);
      throw new AppError("connector_failed", failure);
    }
    return { connector: this.summary(id) };
  }

  /** Connects again and lists the tools afresh (switches kept); a failure is saved as the connector's status, not thrown. */
  async refresh(id: string): Promise<ConnectorResult> {
    this.row(id);
    await this.check(id);
    return { connector: this.summary(id) };
  }

  async setToken(id: string, token: string): Promise<ConnectorResult> {
    const row = this.row(id);
    await this.table.writeSecret(id, token ? { bearer: token } : null);
    this.table.setAuthKind(id, token ? "bearer" : row.auth === "oauth" ? "oauth" : "none");
    return this.refresh(id);
  }

  switchTool(id: string, name: string, change: ToolSwitch): ConnectorSummary {
    this.row(id);
    if (!this.table.switchTool(id, name, change)) throw new AppError("not_found", `This connector has no tool called “${name}”.`);
    return this.summary(id);
  }

  remove(id: string): boolean {
    return this.table.remove(id);
  }

  /**
   * Starts OAuth 2.1 sign-in (the SDK discovers the authorization server, registers this app as a
   * client and makes the PKCE pair): the answer carries the authorization page to send the person to.
   * Tokens still good (or refreshed) need no page: the connector is checked at once.
   */
  async startOAuth(id: string, origin: string, options: { removeOnFailure?: boolean } = {}): Promise<ConnectorResult> {
    const row = this.row(id);
    this.table.setAuthKind(id, "oauth");
    const provider = await StoredOAuthProvider.load(this.table, id, origin);
    try {
      const result = await auth(provider, { serverUrl: row.url, fetchFn: checkedFetch(this.env) });
      if (result === "AUTHORIZED") return this.refresh(id);
      this.table.setStatus(id, "needs_auth", null, this.now());
      return { connector: this.summary(id), authorizeUrl: provider.authorizeUrl?.href };
    } catch (error) {
      const { message } = describeFailure(error, row.url);
      log("connector.oauth_failed", { detail: String(error) });
      if (options.removeOnFailure) this.table.remove(id);
      else this.table.setStatus(id, "needs_auth", message, this.now());
      throw new AppError("connector_failed", `Sign-in could not start: ${message}`);
    }
  }

  /**
   * The authorization server sent the person back: exchange the code (the SDK checks the state and
   * PKCE), then list the tools. A failure is saved as the connector's status and thrown in words.
   */
  async finishOAuth(params: { state?: string; code?: string; error?: string; iss?: string }, origin: string): Promise<ConnectorSummary> {
    const id = connectorIdOfState(params.state);
    const row = id ? this.table.row(id) : null;
    if (!id || !row) throw new AppError("not_found", "That sign-in is not one this app started (or its connector was removed).");
    if (params.error || !params.code) {
      const message = `Sign-in was not completed (${params.error ?? "no authorization code"}).`;
      this.table.setStatus(id, "needs_auth", message, this.now());
      throw new AppError("connector_failed", message);
    }
    const provider = await StoredOAuthProvider.load(this.table, id, origin);
    try {
      await auth(provider, {
        serverUrl: row.url,
        authorizationCode: params.code,
        callbackState: params.state,
        callbackIssuer: params.iss,
        fetchFn: checkedFetch(this.env),
      });
    } catch (error) {
      log("connector.oauth_failed", { detail: String(error) });
      const message = `Sign-in failed: ${describeFailure(error, row.url).message}`;
      this.table.setStatus(id, "needs_auth", message, this.now());
      throw new AppError("connector_failed", message);
    }
    const failure = await this.check(id);
    if (failure) throw new AppError("connector_failed", `Signed in, but listing the tools failed: ${failure}`);
    return this.summary(id);
  }

  /** Connects, lists the tools and saves them with the status; the failure's words when it fails. */
  private async check(id: string): Promise<string | null> {
    const row = this.row(id);
    // A connector the person did not name is called by its host until the server says its own name.
    const takeServerName = row.name === new URL(row.url).host;
    const secret = await this.table.readSecret(id);
    const authProvider = row.auth === "oauth" ? await StoredOAuthProvider.load(this.table, id) : undefined;
    let client: Awaited<ReturnType<typeof connect>> | undefined;
    try {
      client = await connect({ url: row.url, bearer: secret?.bearer, authProvider, fetch: checkedFetch(this.env) });
      const { tools } = await listTools(client);
      this.table.saveTools(id, tools);
      const serverName = client.serverInfo?.title || client.serverInfo?.name;
      if (takeServerName && serverName) this.table.setName(id, serverName.slice(0, CONNECTOR_LIMITS.nameChars));
      this.table.setStatus(id, "connected", null, this.now());
      return null;
    } catch (error) {
      const { status, message } = describeFailure(error, row.url);
      log("connector.failed", { status, detail: String(error) });
      this.table.setStatus(id, status, message, this.now());
      return message;
    } finally {
      await client?.close().catch(() => undefined);
    }
  }

  private row(id: string) {
    const row = this.table.row(id);
    if (!row) throw new AppError("not_found", "That connector does not exist (it may have been removed).");
    return row;
  }

  private summary(id: string): ConnectorSummary {
    const summary = this.table.get(id);
    if (!summary) throw new AppError("not_found", "That connector does not exist (it may have been removed).");
    return summary;
  }
}
