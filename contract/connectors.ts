import { z } from "zod";

/**
 * Connectors (issue 23): a person's remote MCP servers, whose tools a chat answer may call. Stored in
 * the person's Durable Object; a bearer token or OAuth tokens are kept encrypted there and never come
 * back to the browser once entered.
 */
export const CONNECTOR_LIMITS = {
  /** Connectors per person. */
  perPerson: 10,
  /** Tools listed (and offered to the model) per connector; the rest of a big server's are left out. */
  toolsPerConnector: 50,
  urlChars: 2_000,
  tokenChars: 4_000,
  nameChars: 60,
  /** How long connecting (and listing tools) may take before the server counts as unreachable. */
  connectMs: 15_000,
} as const;

/** A connector's state, shown in words beside it. */
export type ConnectorStatus = "connected" | "needs_auth" | "error";

export type ConnectorAuth = "none" | "bearer" | "oauth";

export interface ConnectorTool {
  /** What the model and a conversation's settings (`tools`, `alwaysAllow`) call it: `mcp_<6 of the id>_<name>`. */
  key: string;
  name: string;
  description: string;
  /** Offered to the model (the person's on/off switch). */
  enabled: boolean;
  /** Runs only after the person allows it in the chat; on for every new tool ("Ask before running"). */
  askFirst: boolean;
}

/** A connector as listed: never its token. */
export interface ConnectorSummary {
  id: string;
  name: string;
  url: string;
  auth: ConnectorAuth;
  /** Whether a token (bearer or OAuth) is stored; the token itself is never sent. */
  hasToken: boolean;
  status: ConnectorStatus;
  /** The last failure, in words; null once it connects again. */
  lastError: string | null;
  tools: ConnectorTool[];
  /** Tools the server has beyond the CONNECTOR_LIMITS.toolsPerConnector listed. */
  toolsLeftOut: number;
  createdAt: number;
  checkedAt: number | null;
}

export const connectorUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the server's URL")
  .max(CONNECTOR_LIMITS.urlChars, `Keep the URL under ${CONNECTOR_LIMITS.urlChars} characters`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "Enter an http(s) URL without a user name or password in it, e.g. https://example.com/mcp");

/** `POST /api/connectors`. `oauth: true` adds it and answers with where to sign in. */
export const addConnectorSchema = z
  .object({
    url: connectorUrlSchema,
    name: z.string().trim().max(CONNECTOR_LIMITS.nameChars, `Keep the name under ${CONNECTOR_LIMITS.nameChars} characters`).optional(),
    token: z
      .string()
      .trim()
      .max(CONNECTOR_LIMITS.tokenChars, `Keep the token under ${CONNECTOR_LIMITS.tokenChars} characters`)
      .regex(/^[\x21-\x7e]*$/, "A token is printable characters without spaces")
      .optional(),
    oauth: z.boolean().optional(),
  })
  .strict()
  .refine((body) => !(body.oauth && body.token), "Use a token or OAuth, not both");

export type AddConnectorRequest = z.infer<typeof addConnectorSchema>;

/** `PATCH /api/connectors/:id/tools/:name`: either switch, or both. */
export const toolSwitchSchema = z
  .object({ enabled: z.boolean().optional(), askFirst: z.boolean().optional() })
  .strict()
  .refine((body) => body.enabled !== undefined || body.askFirst !== undefined, "Send enabled or askFirst");

export type ToolSwitch = z.infer<typeof toolSwitchSchema>;

/** `PUT /api/connectors/:id/token`: a new bearer token (or none, to remove it). */
export const connectorTokenSchema = z
  .object({
    token: z
      .string()
      .trim()
      .max(CONNECTOR_LIMITS.tokenChars)
      .regex(/^[\x21-\x7e]*$/, "A token is printable characters without spaces"),
  })
  .strict();

/** The answer to adding, refreshing or starting OAuth: the connector, and where to sign in when OAuth needs it. */
export interface ConnectorResult {
  connector: ConnectorSummary;
  /** The authorization server's page; the browser goes there and comes back to /connectors. */
  authorizeUrl?: string;
}

export interface ConnectorList {
  connectors: ConnectorSummary[];
}

export const CONNECTOR_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Words for a status, the same in the list and in screen readers. */
export function statusLabel(status: ConnectorStatus): string {
  return status === "connected" ? "Connected" : status === "needs_auth" ? "Needs sign-in or a token" : "Not reachable";
}
