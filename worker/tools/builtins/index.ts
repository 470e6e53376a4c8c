import type { Tool } from "ai";
import type { Citation } from "../../../contract/documents";
import type { ImageRecord } from "../../../contract/images-api";
import type { BuiltinToolName } from "../../../contract/builtin-tools";
import type { Budgets, Payer } from "../../spend/spend";
import { calculateTool } from "./calculate";
import { dateTimeTool } from "./date-time";
import { generateImageTool } from "./generate-image";
import { readWebPageTool } from "./read-web-page";
import { rememberTool } from "./remember";
import { searchDocumentsTool } from "./search-documents";
import { translateTool } from "./translate";

/**
 * What the built-in tools need from the answer that offers them. The person's Durable Object builds
 * it (the loop), so the tools never import the store: the store passes its own gallery write and its
 * own hybrid retrieval, and the tools stay a layer below it.
 */
export interface BuiltinToolContext {
  env: Env;
  payer: Payer & { budgets?: Budgets };
  /** The store's own gallery write (the record; the bytes are already in R2 by then). */
  saveImage(record: ImageRecord): void | Promise<void>;
  /**
   * Optional: the store's own room check (count and bytes) before an image is paid for, as the image
   * studio makes it. Without it saveImage still refuses, but only after the model call.
   */
  checkRoomForImages?(count: number): void | Promise<void>;
  searchDocuments(query: string, signal: AbortSignal): Promise<{ text: string; citations: Citation[] }>;
  /** IANA name, already validated (UTC when the browser sent none). */
  timeZone: string;
  /** The store's memory write, once the person chose Keep; absent when memory is off (the tool is then not offered). */
  remember?(text: string): Promise<{ text: string }>;
}

/** Every built-in as an AI SDK tool with `execute`; the loop picks the ones this answer has on. */
export function builtinTools(ctx: BuiltinToolContext): Record<BuiltinToolName, Tool> {
  return {
    generate_image: generateImageTool(ctx),
    search_documents: searchDocumentsTool(ctx),
    read_web_page: readWebPageTool(ctx),
    calculate: calculateTool(),
    date_time: dateTimeTool(ctx),
    translate: translateTool(ctx),
    remember: rememberTool(ctx),
  };
}
