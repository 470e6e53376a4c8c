import { Hono } from "hono";
import { assistantIdSchema, assistantInputSchema, type AssistantList } from "../../contract/assistants";
import { AppError } from "../../contract/errors";
import { unwrap } from "../connectors/outcome";
import type { AppEnv } from "../http/app-types";
import { readJson } from "../http/validate";
import { userStore } from "../store/stub";

const NOT_FOUND = "That assistant does not exist (it may have been deleted).";
/** An assistant is a few short fields and instructions of at most 8,000 characters. */
const MAX_BODY = 64 * 1024;

/**
 * `/api/assistants`: the built-in assistants and the person's own (contract/assistants.ts). The
 * store checks the model, tools and documents against what the person has, and the limits.
 */
export const assistants = new Hono<AppEnv>()
  .get("/", async (c) => {
    const body: AssistantList = await userStore(c).listAssistants();
    return c.json(body);
  })
  .post("/", async (c) => {
    const input = await readJson(c, assistantInputSchema, MAX_BODY);
    return c.json(unwrap(await userStore(c).createAssistant(input)), 201);
  })
  .get("/:id", async (c) => {
    const found = await userStore(c).getAssistant(assistantId(c.req.param("id")));
    if (!found) throw new AppError("not_found", NOT_FOUND);
    return c.json(found);
  })
  .put("/:id", async (c) => {
    const id = assistantId(c.req.param("id"));
    const input = await readJson(c, assistantInputSchema, MAX_BODY);
    return c.json(unwrap(await userStore(c).updateAssistant(id, input)));
  })
  .delete("/:id", async (c) => {
    unwrap(await userStore(c).deleteAssistant(assistantId(c.req.param("id"))));
    return c.body(null, 204);
  })
  .get("/:id/conversations", async (c) => {
    const chats = await userStore(c).assistantChats(assistantId(c.req.param("id")));
    if (!chats) throw new AppError("not_found", NOT_FOUND);
    return c.json({ conversations: chats });
  });

function assistantId(id: string): string {
  if (!assistantIdSchema.safeParse(id).success) throw new AppError("not_found", NOT_FOUND);
  return id;
}
