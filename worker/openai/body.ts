import type { Context } from "hono";
import { z } from "zod";
import { readJson } from "../http/validate";
import { paramErrorFromZod } from "./errors";

/**
 * A JSON body read with a size limit (the app's readJson: content type, size, nesting, syntax),
 * then checked so a failure names the field at fault as OpenAI's `param`.
 */
export async function readOpenAiBody<S extends z.ZodType>(c: Context, schema: S, maxBytes: number): Promise<z.infer<S>> {
  const data = await readJson(c, z.unknown(), maxBytes);
  const result = schema.safeParse(data);
  if (!result.success) throw paramErrorFromZod(result.error);
  return result.data;
}

/** Seconds, as OpenAI's `created` fields are. */
export const unixSeconds = (ms = Date.now()) => Math.floor(ms / 1000);
