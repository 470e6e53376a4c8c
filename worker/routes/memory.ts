import { Hono } from "hono";
import { AppError } from "../../contract/errors";
import { idSchema } from "../../contract/id-schema";
import { memoryInputSchema, memorySettingsSchema } from "../../contract/memory";
import { unwrap } from "../connectors/outcome";
import type { AppEnv } from "../http/app-types";
import { rateLimit } from "../http/rate-limit";
import { readJson } from "../http/validate";
import { userStore } from "../store/stub";
import { payerOf } from "./chat";
import { z } from "zod";

/** Memory ids are ours (contract/ids.ts randomId): anything else names no memory. */
const MEMORY_ID = /^[A-Za-z0-9_-]{16,64}$/;
const GONE = "That memory does not exist (it may already be deleted).";

/**
 * `/api/memory`: Settings → Memory. The person's own list (their store is addressed by their signed
 * identity, so no one else's is reachable); bodies are a sentence, so they are read with a small limit.
 */
export const memory = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await userStore(c).listMemories()))
  // Embeds the memory (a paid model call): rate-limited like the other routes that call a model.
  .post("/", rateLimit, async (c) => {
    const { text } = await readJson(c, memoryInputSchema, 8_192);
    return c.json(unwrap(await userStore(c).addMemory(text, payerOf(c))), 201);
  })
  // Calls a model (paid from the person's budget): rate-limited like the other routes that do.
  .post("/suggest", rateLimit, async (c) => {
    const { conversationId } = await readJson(c, z.object({ conversationId: idSchema }), 1_024);
    return c.json({ candidates: unwrap(await userStore(c).suggestMemories(conversationId, payerOf(c))) });
  })
  .put("/settings", async (c) => {
    const { enabled } = await readJson(c, memorySettingsSchema, 1_024);
    return c.json(await userStore(c).setMemoryEnabled(enabled));
  })
  .patch("/:id", rateLimit, async (c) => {
    const id = memoryId(c.req.param("id"));
    const { text } = await readJson(c, memoryInputSchema, 8_192);
    const edited = unwrap(await userStore(c).editMemory(id, text, payerOf(c)));
    if (!edited) throw new AppError("not_found", GONE);
    return c.json(edited);
  })
  .delete("/:id", async (c) => {
    if (!(await userStore(c).deleteMemory(memoryId(c.req.param("id"))))) throw new AppError("not_found", GONE);
    return c.body(null, 204);
  });

function memoryId(id: string): string {
  if (!MEMORY_ID.test(id)) throw new AppError("not_found", GONE);
  return id;
}
