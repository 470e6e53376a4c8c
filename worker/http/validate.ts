import type { Context } from "hono";
import type { z } from "zod";
import { idSchema } from "../../contract/id-schema";
import { AppError } from "../../contract/errors";
import { describeZod } from "./errors";
import { readLimited } from "./read-limited";

/** The largest JSON body any route takes by default: a long chat history with its settings. */
export const MAX_JSON_BYTES = 2_000_000;

/**
 * Reads and checks a JSON body; anything unparseable or off-schema is a 400 the caller can read.
 * The body is counted while it streams in and refused with 413 the moment it passes `maxBytes`, so a
 * chunked body with no (or a lying) content-length never costs more memory than the limit.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, maxBytes = MAX_JSON_BYTES): Promise<z.infer<S>> {
  if (!isJsonMediaType(c.req.header("content-type")))
    throw new AppError("bad_request", "The request body must be JSON (content-type: application/json).");
  const tooLarge = `The request body is larger than ${describeBytes(maxBytes)}, the most this app accepts.`;
  const bytes = await readLimited(c.req.raw.body, c.req.header("content-length"), maxBytes, tooLarge);
  const text = new TextDecoder().decode(bytes);
  // Deep nesting overflows the stack later (saving, the Durable Object RPC), so refuse it here.
  if (nestingExceeds(text, MAX_JSON_DEPTH))
    throw new AppError("bad_request", `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
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
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/**
 * A route's id parameter (`:id`, `:conversationId`). An id that is not even well formed names nothing,
 * so it gets the same 404 as an id nobody has: a caller learns nothing from the difference.
 */
export function idParam(raw: string | undefined, thing: string): string {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("not_found", `That ${thing} does not exist.`);
  return parsed.data;
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) throw new AppError("bad_request", describeZod(result.error));
  return result.data;
}

function describeBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${Math.round(bytes / 100_000) / 10} MB`;
  return bytes >= 1000 ? `${Math.round(bytes / 1000)} KB` : `${bytes} bytes`;
}
