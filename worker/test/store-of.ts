import { env } from "cloudflare:workers";
import type { UserStore } from "../store/user-store";
import type { TestClient } from "./client";

/** The user id inside a test client's signed identity cookie. */
export function userIdOf(client: TestClient): string {
  const id = client.userId;
  if (!id) throw new Error("The client has no identity yet: make a write first (client.startGuest()).");
  return id;
}

/** The client's own Durable Object, for tests that look inside it (runInDurableObject). */
export function storeOf(client: TestClient): DurableObjectStub<UserStore> {
  return env.USER_STORE.get(env.USER_STORE.idFromName(userIdOf(client)));
}
