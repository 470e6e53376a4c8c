import { tool, type Tool } from "ai";
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

export function rememberTool(ctx: RememberDeps): Tool {
  return tool({
    description: describeBuiltin("remember"),
    inputSchema: z.object({
      memory: z
        .string()
        .max(MEMORY_LIMITS.chars)
        .describe(
          `One short fact about the person, in the third person, e.g. "Prefers metric units." or "Has a dog named Rex." At most ${MEMORY_LIMITS.chars} characters.`,
        ),
    }),
    execute: async ({ memory }) => {
      if (!ctx.remember) throw new AppError("tool_input", "Memory is off for this person, so nothing can be remembered.");
      const kept = await ctx.remember(memory);
      return { remembered: kept.text };
    },
  });
}
