import { tool, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { describeBuiltin } from "./describe";

export function generateImageTool(_ctx: unknown): Tool {
  return tool({
    description: describeBuiltin("generate_image"),
    inputSchema: z.object({ prompt: z.string().describe("What the image shows, in detail.") }),
    execute: async (): Promise<Record<string, string>> => {
      throw new AppError("internal", "Generating images from chat is not built yet.");
    },
  });
}
