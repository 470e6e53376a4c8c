import { outboundFetch } from "../http/outbound-fetch";
import { checkOutboundUrl, outboundPolicy } from "../http/outbound-url";
import { AppError } from "../../contract/errors";
import type { SecretEnv } from "./crypto";

/** What connectors read from the Worker's settings: the outbound rule's switch and the secrets. */
export interface OutboundEnv extends SecretEnv {
  ALLOW_PRIVATE_OUTBOUND?: string;
}

/**
 * The fetch the MCP client and the OAuth flow use: every address checked by the one outbound rule
 * (worker/http/outbound-url.ts), redirects followed hop by hop and each checked, so a connector
 * reaches only what read_web_page could (loopback only where ALLOW_PRIVATE_OUTBOUND is on).
 */
export function checkedFetch(env: OutboundEnv): typeof fetch {
  return outboundFetch({ policy: outboundPolicy(env) });
}

/** Why the rule refuses `url`, in words, or null when it may be fetched. */
export function refusalOf(url: string, env: OutboundEnv): string | null {
  try {
    checkOutboundUrl(url, outboundPolicy(env));
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}
