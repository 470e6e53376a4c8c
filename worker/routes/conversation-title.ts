import { Hono } from "hono";
import { idSchema } from "../../contract/id-schema";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { userStore } from "../store/stub";

/**
 * `GET /api/conversations/:id/title`: the conversation once the title model (if it is naming it)
 * is done, so the page shows the model's title when an answer finishes, without polling.
 */
export const conversationTitle = new Hono<AppEnv>().get("/:id/title", async (c) => {
  const id = idSchema.safeParse(c.req.param("id"));
  const conversation = id.success && !isNewVisitor(c) ? await userStore(c).conversationWithTitle(id.data) : null;
  if (!conversation) throw new AppError("not_found", "That conversation does not exist.");
  return c.json({ conversation });
});
