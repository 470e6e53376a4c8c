import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../../contract/errors";
import { describeZod } from "./errors";

/** Reads and checks a JSON body; anything unparseable or off-schema is a 400 the caller can read. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = 2_000_000): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/json")) throw new AppError("bad_request", "The request body must be JSON (content-type: application/json).");
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("too_large");
  const text = await c.req.text();
  if (text.length > maxBytes) throw new AppError("too_large");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return parseWith(schema, data);
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new AppError("bad_request", describeZod(result.error));
  return result.data;
}
