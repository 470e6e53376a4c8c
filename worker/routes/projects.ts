import { Hono } from "hono";
import { findBuiltinTool } from "../../contract/builtin-tools";
import { AppError } from "../../contract/errors";
import { randomId } from "../../contract/ids";
import { findChatModel } from "../../contract/models";
import {
  createProjectSchema,
  deleteProjectQuerySchema,
  placeConversationSchema,
  type ProjectDefaults,
  updateProjectSchema,
} from "../../contract/projects";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { rateLimit } from "../http/rate-limit";
import { idParam, parseWith, readJson } from "../http/validate";
import { sharesStore } from "../share/stub";
import type { ProjectRefusal } from "../store/projects/feature";
import { type UserStoreRpc, userStore } from "../store/stub";

const SMALL_JSON_BYTES = 64_000;

/**
 * The caller's projects (worker/store/projects/), and where each conversation sits in the sidebar:
 * its project, pinned, archived. Another person's project or conversation is simply not found:
 * their store is another object.
 */
export const projects = new Hono<AppEnv>()
  .get("/", async (c) => c.json({ projects: isNewVisitor(c) ? [] : await userStore(c).listProjects() }))
  // The Archived view: what the sidebar's list leaves out (search still finds them).
  .get("/archived", async (c) => c.json({ conversations: isNewVisitor(c) ? [] : await userStore(c).listConversations(undefined, true) }))
  // One project: what a new chat in it (a draft, /?project=<id>) starts with. Its conversation is made by its first message (./chat.ts).
  .get("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "project");
    const project = isNewVisitor(c) ? null : await userStore(c).getProject(id);
    if (!project) throw refused("no_project");
    return c.json({ project });
  })
  .post("/", rateLimit, async (c) => {
    const input = await readJson(c, createProjectSchema, SMALL_JSON_BYTES);
    const store = userStore(c);
    await checkDefaults(store, input.defaults, input.documentIds);
    return c.json({ project: found(await store.createProject(randomId(), input)) }, 201);
  })
  .patch("/:id", rateLimit, async (c) => {
    const id = idParam(c.req.param("id"), "project");
    if (isNewVisitor(c)) throw refused("no_project");
    const patch = await readJson(c, updateProjectSchema, SMALL_JSON_BYTES);
    const store = userStore(c);
    await checkDefaults(store, patch.defaults, patch.documentIds);
    return c.json({ project: found(await store.updateProject(id, patch)) });
  })
  .delete("/:id", async (c) => {
    const id = idParam(c.req.param("id"), "project");
    const { conversations } = parseWith(deleteProjectQuerySchema, c.req.query());
    if (isNewVisitor(c)) throw refused("no_project");
    const store = userStore(c);
    if (!(await store.getProject(id))) throw refused("no_project");
    // Links go first, as a deleted conversation's do (./conversations.ts): nothing stays public that the owner meant to remove.
    if (conversations === "delete")
      for (const conversationId of await store.projectConversationIds(id))
        await sharesStore(c.env).revokeConversation(c.var.userId, conversationId);
    if (!(await store.deleteProject(id, conversations === "delete"))) throw refused("no_project");
    return c.body(null, 204);
  })
  .patch("/place/:conversationId", rateLimit, async (c) => {
    const conversationId = idParam(c.req.param("conversationId"), "conversation");
    if (isNewVisitor(c)) throw refused("no_conversation");
    const place = await readJson(c, placeConversationSchema, SMALL_JSON_BYTES);
    return c.json({ conversation: found(await userStore(c).placeConversation(conversationId, place)) });
  });

/** A project's model must be in the catalog, its tools built-ins or its owner's connectors' (as a chat's), and its documents the person's own. */
async function checkDefaults(store: UserStoreRpc, defaults: ProjectDefaults | undefined, documentIds: string[] | undefined): Promise<void> {
  if (defaults?.model && !findChatModel(defaults.model))
    throw new AppError("unknown_model", `There is no chat model called ${defaults.model}. Pick one from the list.`);
  const unknownTools = (defaults?.tools ?? []).filter((key) => !findBuiltinTool(key));
  if (unknownTools.length) {
    // The person's connectors are asked only when a tool is not a built-in.
    const connectorKeys = new Set((await store.listConnectors()).flatMap((connector) => connector.tools.map((tool) => tool.key)));
    const unknown = unknownTools.find((key) => !connectorKeys.has(key));
    if (unknown)
      throw new AppError(
        "bad_request",
        `The tool "${unknown}" is neither a built-in tool nor a tool of one of your connectors. Pick tools from the list.`,
      );
  }
  for (const id of documentIds ?? [])
    if (!(await store.getDocument(id)))
      throw new AppError("not_found", "One of those documents does not exist. Reload the page and pick again.");
}

function found<T extends object>(result: T | ProjectRefusal): T {
  if (typeof result === "string") throw refused(result);
  return result;
}

function refused(why: ProjectRefusal): AppError {
  if (why === "no_project") return new AppError("not_found", "That project does not exist.");
  if (why === "no_conversation") return new AppError("not_found", "That conversation does not exist.");
  return new AppError("bad_request", "That already exists.");
}
