/**
 * base64url (RFC 4648 §5, no padding): the one encoding for ids, tokens, keys and MACs on both sides
 * of the wire, so every id the app makes reads the same and passes the same `[A-Za-z0-9_-]` checks.
 */
export function toBase64Url(bytes: Uint8Array): string {
  let raw = "";
  for (const byte of bytes) raw += String.fromCharCode(byte);
  return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The bytes, or null for text that is not base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** `bytes` random bytes as base64url: 16 bytes are 22 characters, 32 bytes 43. */
export function randomBase64Url(bytes: number): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A new id for anything the app stores: 128 random bits, 22 base64url characters nobody can guess. */
export function randomId(): string {
  return randomBase64Url(16);
}
