import { Hono } from "hono";
import { listConversationsQuerySchema, SIDEBAR_PAGE, updateConversationSchema } from "../../contract/api";
import { AppError } from "../../contract/errors";
import { findChatModel } from "../../contract/models";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { rateLimit } from "../http/rate-limit";
import { idParam, parseWith, readJson } from "../http/validate";
import { sharesStore } from "../share/stub";
import { userStore } from "../store/stub";

/** The caller's conversations. Another user's id is simply not found: their store is another object. */
export const conversations = new Hono<AppEnv>()
  // The sidebar's first load (every group's first page), one group's next page, or titles searched for.
  .get("/", async (c) => {
    const { q, project, before, limit } = parseWith(listConversationsQuerySchema, c.req.query());
    if (isNewVisitor(c)) return c.json({ conversations: [], ...(project ? { next: null } : q ? {} : { groups: [] }) });
    const store = userStore(c);
    if (q) return c.json({ conversations: await store.listConversations(q) });
    if (!project) return c.json(await store.sidebarFirstPages());
    const projectId = project === "none" ? null : project;
    const page = await store.sidebarPage(projectId, before, limit ?? SIDEBAR_PAGE.more);
    // An empty page of a project nobody has is a mistake to say, not a group to show as empty.
    if (projectId && !page.conversations.length && !(await store.getProject(projectId)))
      throw new AppError("not_found", "That project does not exist.");
    return c.json(page);
  })
  .get("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    const found = isNewVisitor(c) ? null : await userStore(c).getConversation(id);
    if (!found) throw new AppError("not_found", "That conversation does not exist.");
    return c.json(found);
  })
  // Limited like uploads (a write anyone can repeat), and the conversation is looked up before the
  // body is read: a PATCH for nothing costs no parsing.
  .patch("/:id", rateLimit, async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    if (isNewVisitor(c) || !(await userStore(c).hasConversation(id))) throw new AppError("not_found", "That conversation does not exist.");
    const patch = await readJson(c, updateConversationSchema);
    const model = patch.settings?.model;
    if (model && !findChatModel(model))
      throw new AppError("unknown_model", `There is no chat model called ${model}. Pick one from the list.`);
    const conversation = await userStore(c).updateConversation(id, patch);
    if (!conversation) throw new AppError("not_found", "That conversation does not exist.");
    return c.json({ conversation });
  })
  .delete("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "conversation");
    // The link goes first: if deleting then fails, nothing stays public that the owner meant to remove.
    if (!isNewVisitor(c)) await sharesStore(c.env).revokeConversation(c.var.userId, id);
    const deleted = !isNewVisitor(c) && (await userStore(c).deleteConversation(id));
    if (!deleted) throw new AppError("not_found", "That conversation does not exist.");
    return c.body(null, 204);
  });
