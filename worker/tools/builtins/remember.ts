import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { MEMORY_LIMITS } from "../../../contract/memory";
import { describeBuiltin } from "./describe";

/**
 * Proposes a memory. It always asks first (contract/builtin-tools.ts), so it only runs once the person
 * chose Keep: nothing is remembered silently. The store checks the text and the limits again.
 */
export interface RememberDeps {
  /** The store's write, after Keep; absent when memory is off. */
  remember?(text: string): Promise<{ text: string }>;
}

// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper, so a wrapper made per
// request converted it again on every question (bench:relay-profile, MODEL=<a tool model>).
const inputSchema = zodSchema(
  z.object({
    memory: z
      .string()
      .max(MEMORY_LIMITS.chars)
      .describe(
        `One short fact about the person, in the third person, e.g. "Prefers metric units." or "Has a dog named Rex." At most ${MEMORY_LIMITS.chars} characters.`,
      ),
  }),
);

export function rememberTool(ctx: RememberDeps): Tool {
  return tool({
    description: describeBuiltin("remember"),
    inputSchema,
    execute: async ({ memory }) => {
      if (!ctx.remember) throw new AppError("tool_input", "Memory is off for this person, so nothing can be remembered.");
      const kept = await ctx.remember(memory);
      return { remembered: kept.text };
    },
  });
}
