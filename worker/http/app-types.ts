import type { IdentityVars } from "./identity";

/**
 * Who is asking, as the identity middleware established it. `userId` names the person's Durable
 * Object (their data); `person` says what kind of identity it is, for budgets and the owner's pages.
 */
export type Person =
  | { kind: "guest"; owner: false }
  | { kind: "account"; accountId: string; name: string; owner: boolean }
  | { kind: "access"; email: string; owner: boolean };

/** The Hono environment every route shares: generated bindings plus the caller's identity. */
export type AppEnv = { Bindings: Env; Variables: IdentityVars & { person: Person } & NewVisitorVars };

/**
 * Set by the identity middleware: true when it minted the identity for this request (no valid one
 * was presented), so nothing of this person is stored yet (see ./new-visitor.ts).
 */
export type NewVisitorVars = { newVisitor?: boolean };
