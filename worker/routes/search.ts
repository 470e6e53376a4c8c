import { Hono } from "hono";
import { searchQuerySchema } from "../../contract/search";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { parseWith } from "../http/validate";
import { userStore } from "../store/stub";

/**
 * `GET /api/search?q=`: the caller's messages and titles holding the words. It reads only the
 * caller's own Durable Object, so nobody else's messages can match.
 */
export const search = new Hono<AppEnv>().get("/", async (c) => {
  const { q } = parseWith(searchQuerySchema, c.req.query());
  return c.json({ hits: isNewVisitor(c) ? [] : await userStore(c).searchMessages(q) });
});
