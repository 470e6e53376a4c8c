/**
 * What other features do when an account's data moves or goes (worker/store/person-data/user-data.ts runs them).
 * A hook list rather than imports, so the cross-person records (keys, share links, spend) register
 * themselves from below, and the account's data operations above need not import each of them.
 */

/**
 * Cleanups other features need when an account is deleted (their records outside UserStore and R2,
 * e.g. API keys): push a function here at module load. They run before the account's own data goes,
 * and a failure stops the deletion so that retrying it finishes the job.
 */
export const onAccountDeleted: ((env: Env, userId: string) => Promise<void>)[] = [];

/** How a guest became an account: by making a new one (sign-up), or by signing in to one that was already there. */
export type BecameAccount = "sign-up" | "sign-in";

/**
 * Records other features keep outside UserStore that must follow a guest into the account (API keys,
 * spend). `how` (unsaid: "sign-in"): some follow a guest into a new account only (the owner's block, worker/spend/spend.ts).
 */
export const onGuestMerged: ((env: Env, guestId: string, accountId: string, how?: BecameAccount) => Promise<void>)[] = [];
