import type { Context } from "hono";
import type { AppEnv } from "./app-types";

/**
 * Whether this request's identity was minted by this very request (identity middleware sets
 * `newVisitor`). Nothing of theirs can be stored yet, so read routes answer empty lists or 404 without
 * touching the Durable Object namespace: a stranger's GETs, cookie dropped each time, create nothing.
 */
export function isNewVisitor(c: Context<AppEnv>): boolean {
  return c.var.newVisitor === true;
}
