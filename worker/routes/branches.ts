import { Hono } from "hono";
import { switchBranchSchema } from "../../contract/api";
import { idSchema } from "../../contract/id-schema";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { readJson } from "../http/validate";
import { userStore } from "../store/stub";

/**
 * POST /api/conversations/:id/branch { messageId }: shows that version of a message and, below it,
 * the branch last on screen there (worker/store/conversations/conversation-tree.ts). Answers the conversation as
 * GET /api/conversations/:id does; the next question is asked on this branch, and a reload shows it.
 */
export const branches = new Hono<AppEnv>().post("/:id/branch", async (c) => {
  const id = idSchema.safeParse(c.req.param("id"));
  if (!id.success || isNewVisitor(c)) throw new AppError("not_found", "That conversation does not exist.");
  const { messageId } = await readJson(c, switchBranchSchema);
  const store = userStore(c);
  if (!(await store.hasConversation(id.data))) throw new AppError("not_found", "That conversation does not exist.");
  const detail = await store.switchBranch(id.data, messageId);
  if (!detail) throw new AppError("not_found", "That message is not in this conversation.");
  return c.json(detail);
});
