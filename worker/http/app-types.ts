/**
 * Who holds this browser's session cookie (worker/auth/session-cookie.ts); null for a visitor who has
 * not written anything yet. `generation` is the account's session generation, `verifiedAt` the unix
 * seconds of the last passkey check (both 0 for a guest).
 */
export type SignedIn = { kind: "guest" | "account"; userId: string; generation: number; verifiedAt: number };

/** Set by the identity middleware (worker/auth/identity.ts). */
export type IdentityVars = {
  userId: string;
  signedIn: SignedIn | null;
  /** Set when a route issued or cleared the cookie itself (sign-in, sign-out), so the middleware leaves it. */
  sessionHandled?: boolean;
};

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
