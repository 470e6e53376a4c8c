import type { IdentityVars } from "./identity";

/** The Hono environment every route shares: generated bindings plus the caller's identity. */
export type AppEnv = { Bindings: Env; Variables: IdentityVars };
