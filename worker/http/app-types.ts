import type { IdentityVars } from "./identity";

/**
 * Who is asking, as the identity middleware established it. `userId` names the person's Durable
 * Object (their data); `person` says what kind of identity it is, for budgets and the owner's pages.
 */
export type Person =
  | { kind: "guest"; owner: false }
  /**
   * approved: made with an invite, or the owner: such an account gets the account budget; one made by
   * open sign-up spends the guest budget (worker/spend/), since a script can make those for free.
   */
  | { kind: "account"; accountId: string; name: string; owner: boolean; approved: boolean }
  | { kind: "access"; email: string; owner: boolean };

/** The Hono environment every route shares: generated bindings plus the caller's identity. */
export type AppEnv = { Bindings: Env; Variables: IdentityVars & { person: Person } & NewVisitorVars };

/**
 * Set by the identity middleware: true when it minted the identity for this request (no valid one
 * was presented), so nothing of this person is stored yet (see ./new-visitor.ts).
 */
export type NewVisitorVars = { newVisitor?: boolean };
