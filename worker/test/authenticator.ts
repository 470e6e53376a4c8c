/**
 * A software passkey authenticator for the Worker tests (a test double of a platform authenticator):
 * an ES256 key made with WebCrypto, attestation "none", and assertions signed over authenticatorData
 * and the client data hash exactly as WebAuthn §6.3 says, so @simplewebauthn/server checks real
 * signatures. It keeps its discoverable credentials like a resident-key authenticator does.
 */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly origin = "http://app.test") {}

  /** Answers navigator.credentials.create() for these options (PublicKeyCredentialCreationOptionsJSON). */
  async create(options: any): Promise<any> {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    const id = crypto.getRandomValues(new Uint8Array(16));
    const credential: SoftCredential = {
      id: b64url(id),
      rpId: options.rp.id,
      userHandle: options.user.id,
      privateKey: keys.privateKey,
      counter: 0,
    };
    const cose = cbor(
      new Map<number, unknown>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, unb64(jwk.x!)],
        [-3, unb64(jwk.y!)],
      ]),
    );
    const attested = concat(new Uint8Array(16), new Uint8Array([id.length >> 8, id.length & 0xff]), id, cose);
    const authData = concat(await sha256(credential.rpId), new Uint8Array([FLAG_UP | FLAG_UV | FLAG_AT]), counterBytes(0), attested);
    const clientDataJSON = this.clientData("webauthn.create", options.challenge);
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(
          cbor(
            new Map<string, unknown>([
              ["fmt", "none"],
              ["attStmt", new Map()],
              ["authData", authData],
            ]),
          ),
        ),
        transports: ["internal"],
      },
    };
  }

  /** Answers navigator.credentials.get() with a discoverable credential (the last one made, unless named). */
  async get(options: any, credentialId?: string): Promise<any> {
    const credential = credentialId ? this.credentials.find((c) => c.id === credentialId) : this.credentials.at(-1);
    if (!credential) throw new Error("no credential");
    credential.counter++;
    const authData = concat(
      await sha256(options.rpId ?? credential.rpId),
      new Uint8Array([FLAG_UP | FLAG_UV]),
      counterBytes(credential.counter),
    );
    const clientDataJSON = this.clientData("webauthn.get", options.challenge);
    const signed = concat(authData, new Uint8Array(await crypto.subtle.digest("SHA-256", clientDataJSON)));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, credential.privateKey, signed));
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        userHandle: credential.userHandle,
      },
    };
  }

  /** The same passkey on another device (synced, or copied as the browser test copies it). */
  copyTo(other: SoftAuthenticator): void {
    other.credentials.push(...this.credentials);
  }

  private clientData(type: string, challenge: string): Uint8Array<ArrayBuffer> {
    return new Uint8Array(new TextEncoder().encode(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false })));
  }
}

export interface SoftCredential {
  id: string;
  rpId: string;
  userHandle: string;
  privateKey: CryptoKey;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

function counterBytes(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, at), (at += part.length);
  return out;
}

/** WebCrypto signs ECDSA as r‖s; WebAuthn carries the ASN.1 DER SEQUENCE of two INTEGERs. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.slice(i);
    const body = trimmed[0] & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const body = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/** The CBOR subset attestation needs: small ints, negative ints, byte and text strings, maps. */
export function cbor(value: unknown): Uint8Array {
  const head = (major: number, n: number) =>
    n < 24
      ? new Uint8Array([(major << 5) | n])
      : n < 256
        ? new Uint8Array([(major << 5) | 24, n])
        : new Uint8Array([(major << 5) | 25, n >> 8, n & 0xff]);
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const bytes = new TextEncoder().encode(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  if (value instanceof Map) return concat(head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
  throw new Error(`cbor: unsupported ${typeof value}`);
}

export function b64url(bytes: Uint8Array): string {
  let raw = "";
  for (const b of bytes) raw += String.fromCharCode(b);
  return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}
