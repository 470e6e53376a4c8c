import type {
  OAuthAuthorizationServerInformation,
  OAuthClientInformation,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthTokens,
} from "@ai-sdk/mcp";
import { randomBase64Url } from "../../contract/ids";
import type { ConnectorSecret, ConnectorTable } from "./table";

/** Where the authorization server sends the person back; the Worker route of the same path finishes sign-in. */
export const OAUTH_CALLBACK_PATH = "/api/connectors/oauth/callback";

/**
 * @ai-sdk/mcp's OAuth client (authorization code + PKCE + dynamic client registration, its `auth()`)
 * with its state kept in the connector's encrypted secret: the registered client, the PKCE verifier,
 * the `state` and the authorization server it is pinned to while the person signs in, then the tokens.
 * The state starts with the connector's id, so the callback knows which connector it finishes; the
 * SDK compares the whole value with the stored one before exchanging the code.
 */
export class StoredOAuthProvider implements OAuthClientProvider {
  /** Set when the SDK wants the person sent to the authorization server. */
  authorizeUrl: URL | undefined;

  private constructor(
    private readonly table: ConnectorTable,
    private readonly connectorId: string,
    private readonly secret: ConnectorSecret,
    private readonly callbackUrl: string,
  ) {}

  /** `origin`: the app's, when the person starts sign-in; otherwise the one sign-in started with. */
  static async load(table: ConnectorTable, connectorId: string, origin?: string): Promise<StoredOAuthProvider> {
    const secret = (await table.readSecret(connectorId)) ?? {};
    const redirect = origin
      ? new URL(OAUTH_CALLBACK_PATH, origin).href
      : (secret.oauth?.redirect ?? new URL(OAUTH_CALLBACK_PATH, "http://localhost").href);
    if (origin) secret.oauth = { ...secret.oauth, redirect };
    return new StoredOAuthProvider(table, connectorId, secret, redirect);
  }

  private get oauth(): NonNullable<ConnectorSecret["oauth"]> {
    this.secret.oauth ??= {};
    return this.secret.oauth;
  }

  private save(): Promise<void> {
    return this.table.writeSecret(this.connectorId, this.secret);
  }

  get redirectUrl(): string {
    return this.callbackUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      redirect_uris: [this.callbackUrl],
      client_name: "Workers AI Chat",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A public client: the Worker keeps no client secret per server, PKCE protects the code.
      token_endpoint_auth_method: "none",
    };
  }

  tokens(): OAuthTokens | undefined {
    return this.secret.oauth?.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    Object.assign(this.oauth, { tokens, verifier: undefined, state: undefined });
    await this.save();
  }

  redirectToAuthorization(authorizationUrl: URL): void {
    this.authorizeUrl = authorizationUrl;
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    this.oauth.verifier = codeVerifier;
    await this.save();
  }

  codeVerifier(): string {
    const verifier = this.secret.oauth?.verifier;
    if (!verifier) throw new Error("No sign-in is in progress for this connector: start it again from Settings → Connectors.");
    return verifier;
  }

  clientInformation(): OAuthClientInformation | undefined {
    return this.secret.oauth?.client;
  }

  isClientInformationDynamicallyRegistered(): boolean {
    return this.secret.oauth?.dynamic === true;
  }

  async saveClientInformation(client: OAuthClientInformation): Promise<void> {
    Object.assign(this.oauth, { client, dynamic: true });
    await this.save();
  }

  authorizationServerInformation(): OAuthAuthorizationServerInformation | undefined {
    return this.secret.oauth?.server;
  }

  async saveAuthorizationServerInformation(server: OAuthAuthorizationServerInformation): Promise<void> {
    this.oauth.server = server;
    await this.save();
  }

  state(): string {
    return `${this.connectorId}.${randomBase64Url(16)}`;
  }

  async saveState(state: string): Promise<void> {
    this.oauth.state = state;
    await this.save();
  }

  storedState(): string | undefined {
    // Undefined would let any state through (the SDK skips the check): a callback with no flow started never matches.
    return this.secret.oauth?.state ?? "(no sign-in in progress)";
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier"): Promise<void> {
    const oauth = this.oauth;
    if (scope === "all" || scope === "client") Object.assign(oauth, { client: undefined, dynamic: undefined, server: undefined });
    if (scope === "all" || scope === "tokens") oauth.tokens = undefined;
    if (scope === "all" || scope === "verifier") Object.assign(oauth, { verifier: undefined, state: undefined });
    await this.save();
  }
}

/** The connector a callback's `state` names (its first part), or null for a state this app did not make. */
export function connectorIdOfState(state: string | undefined): string | null {
  const id = state?.split(".")[0];
  return id && /^[A-Za-z0-9_-]{22}$/.test(id) ? id : null;
}
