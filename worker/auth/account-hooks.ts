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

/** Records other features keep outside UserStore that must follow a guest into the account (API keys). */
export const onGuestMerged: ((env: Env, guestId: string, accountId: string) => Promise<void>)[] = [];
