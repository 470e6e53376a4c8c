import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../../contract/errors";
import { describeZod } from "./errors";

/** Reads and checks a JSON body; anything unparseable or off-schema is a 400 the caller can read. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = 2_000_000): Promise<z.infer<S>> {
  if (!isJsonMediaType(c.req.header("content-type"))) throw new AppError("bad_request", "The request body must be JSON (content-type: application/json).");
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > maxBytes) throw new AppError("too_large");
  const text = await c.req.text();
  if (text.length > maxBytes) throw new AppError("too_large");
  // Deep nesting overflows the stack later (saving, the Durable Object RPC), so refuse it here.
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw new AppError("bad_request", `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The request body is not valid JSON.");
  }
  return parseWith(schema, data);
}

/** application/json, with or without parameters; not types that merely contain it (application/jsonp). */
export function isJsonMediaType(header: string | undefined): boolean {
  return header?.split(";")[0].trim().toLowerCase() === "application/json";
}

/** Far deeper than any body this API takes (a chat request is about 5 levels). */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text opens more than `max` arrays or objects inside each other; one pass, strings skipped. */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new AppError("bad_request", describeZod(result.error));
  return result.data;
}
