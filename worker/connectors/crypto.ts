import { fromBase64Url, toBase64Url } from "../../contract/ids";

/**
 * Connector secrets (bearer tokens, OAuth tokens and client registrations) at rest: AES-GCM under a
 * key derived with HKDF from the deployment's secret, with the person's id as salt and the connector's
 * id as additional data, so a ciphertext copied to another person's store or another connector does
 * not decrypt. The key comes from CONNECTORS_SECRET when set, else from SESSION_SECRET under this
 * module's own HKDF label (a key no cookie signature ever uses); SESSION_SECRET_PREVIOUS still decrypts
 * after a rotation, and the next write re-encrypts under the current secret.
 */
const HKDF_INFO = new TextEncoder().encode("workers-ai-chat/connectors/token-key/v1");
const VERSION = "v1";

export interface SecretEnv {
  CONNECTORS_SECRET?: string;
  SESSION_SECRET?: string;
  SESSION_SECRET_PREVIOUS?: string;
}

export class ConnectorCrypto {
  private keys: Promise<CryptoKey[]> | undefined;

  constructor(
    private readonly env: SecretEnv,
    private readonly personId: string,
  ) {}

  async encrypt(connectorId: string, plaintext: string): Promise<string> {
    const [key] = await this.allKeys();
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(connectorId) },
      key,
      new TextEncoder().encode(plaintext),
    );
    return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
  }

  /** The plaintext, or null when no key this deployment has opens it (a secret replaced twice, a tampered row). */
  async decrypt(connectorId: string, stored: string): Promise<string | null> {
    const [version, ivText, bodyText] = stored.split(".");
    const iv = fromBase64Url(ivText ?? "");
    const body = fromBase64Url(bodyText ?? "");
    if (version !== VERSION || !iv || !body) return null;
    for (const key of await this.allKeys()) {
      try {
        const open = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(connectorId) }, key, body);
        return new TextDecoder().decode(open);
      } catch {
        // Not this key: try the previous secret's.
      }
    }
    return null;
  }

  private allKeys(): Promise<CryptoKey[]> {
    this.keys ??= Promise.all(secrets(this.env).map((secret) => deriveKey(secret, this.personId)));
    return this.keys;
  }
}

/** The secrets to derive from, the one that encrypts first. */
function secrets(env: SecretEnv): string[] {
  const list = [env.CONNECTORS_SECRET, env.SESSION_SECRET, env.SESSION_SECRET_PREVIOUS].filter((s): s is string => !!s);
  if (list.length === 0) throw new Error("Neither CONNECTORS_SECRET nor SESSION_SECRET is set: connector tokens cannot be stored.");
  return [...new Set(list)];
}

async function deriveKey(secret: string, personId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode(`person:${personId}`), info: HKDF_INFO },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
