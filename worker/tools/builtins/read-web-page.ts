import { tool, type Tool } from "ai";
import { z } from "zod";
import { AppError } from "../../../contract/errors";
import { describeBuiltin } from "./describe";

export function readWebPageTool(_ctx: { env: Env }): Tool {
  return tool({
    description: describeBuiltin("read_web_page"),
    inputSchema: z.object({ url: z.string().describe("The page's full http(s) address.") }),
    execute: async (): Promise<Record<string, string>> => {
      throw new AppError("web_page_failed", "Reading web pages is not built yet.");
    },
  });
}
