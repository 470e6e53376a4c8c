import type { SurfaceOf } from "./compose";
import type { FEATURES } from "./features";

export type { ChatTurn, ThreadKind, TurnPayer, TurnStart, VisionTurn } from "./answers/turn";

/**
 * Everything the Worker may ask of a person's Durable Object: every registered feature's methods
 * (./features.ts), derived from their classes, never listed by hand. The RPC type the routes use
 * comes from it (./stub.ts).
 */
export type UserStoreApi = SurfaceOf<typeof FEATURES>;
