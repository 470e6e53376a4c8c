import { randomBase64Url } from "../../contract/ids";

/**
 * What an API key looks like: `sk-wai-` and 43 base64url characters (32 random bytes). Only its
 * SHA-256 hash is stored; the first characters are kept readable so a person can tell keys apart
 * in the list and recognise one in a config file.
 */
export const KEY_PREFIX = "sk-wai-";
const KEY_PATTERN = /^sk-wai-[A-Za-z0-9_-]{43}$/;
/** "sk-wai-" plus 6 characters: enough to tell ten keys apart, far too few to guess the rest. */
const VISIBLE_LENGTH = KEY_PREFIX.length + 6;

export function newKey(): string {
  return KEY_PREFIX + randomBase64Url(32);
}

/** A string that cannot be a key is refused without a lookup. */
export function looksLikeKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_LENGTH);
}

/** Hex SHA-256: the key is 256 random bits, so a plain hash (no salt, no slow KDF) is enough. */
export async function hashKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
