import { randomBase64Url } from "../../contract/ids";

/** 128 random bits, base64url: 22 characters nobody can guess. */
export function randomId(): string {
  return randomBase64Url(16);
}
