import { Hono } from "hono";
import { AppError } from "../../contract/errors";
import { createKeySchema, type ApiKeySummary, type CreatedApiKey } from "../../contract/keys-api";
import type { AppEnv } from "../http/app-types";
import { randomId } from "../../contract/ids";
import { rateLimit } from "../http/rate-limit";
import { readJson } from "../http/validate";
import { hashKey, newKey, visiblePrefix } from "./key-format";
import { apiKeys } from "./store";

/**
 * `/api/keys`: the person's own API keys, behind the same-origin check and identity cookie like
 * every /api route. The key is returned once, at creation; only its hash is kept.
 */
export const keys = new Hono<AppEnv>()
  // Creating keys calls no model but writes to a shared `keys:N` shard: limited per user and IP like uploads.
  .post("/", rateLimit, async (c) => {
    const { name } = await readJson(c, createKeySchema, 4_096);
    const key = newKey();
    const id = randomId();
    const created = await apiKeys(c.env).create(
      c.var.userId,
      { id, name, prefix: visiblePrefix(key), hash: await hashKey(key) },
      Date.now(),
    );
    if (!created) throw new AppError("too_many_keys");
    const body: CreatedApiKey = { id, name, key };
    return c.json(body, 201);
  })
  .get("/", async (c) => {
    const list: ApiKeySummary[] = await apiKeys(c.env).list(c.var.userId);
    return c.json({ keys: list });
  })
  .delete("/:id", async (c) => {
    const id = c.req.param("id");
    // Any id is only looked up among the caller's own keys, so a malformed one is simply not found.
    const revoked = /^[A-Za-z0-9_-]{22}$/.test(id) && (await apiKeys(c.env).revoke(c.var.userId, id));
    if (!revoked) throw new AppError("not_found", "That API key does not exist (it may already be revoked).");
    return c.body(null, 204);
  });
