import { findBuiltinTool } from "./builtin-tools";
import type { ToolPart } from "./tool-part-kind";

/**
 * Reading tool parts of a message (the AI SDK's `tool-<name>` and `dynamic-tool` UI parts) the same
 * way in the chat, a shared link and an export: what the tool is called, its input in a line, and the
 * result a person can read. Kept here because the browser and the Worker both need it.
 */
export { isToolPart, type ToolPart } from "./tool-part-kind";

/** The key the model called it by: a built-in's name, or a connector tool's key. */
export function toolNameOf(part: ToolPart): string {
  return part.type === "dynamic-tool" ? part.toolName : part.type.slice("tool-".length);
}

/** What a person calls it: the built-in's label, else the title the server gave it, else its key. */
export function toolLabelOf(part: ToolPart): string {
  const name = toolNameOf(part);
  return findBuiltinTool(name)?.label ?? part.title ?? name;
}

const MAX_INPUT_LINE = 160;

/** The input in one short line ("expression: 2 + 2"), for the part's header; never the whole JSON of a large input. */
export function compactInput(input: unknown): string {
  if (input === undefined || input === null) return "";
  const line =
    typeof input === "object" && !Array.isArray(input)
      ? Object.entries(input as Record<string, unknown>)
          .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
          .join(", ")
      : typeof input === "string"
        ? input
        : JSON.stringify(input);
  const flat = line.replace(/\s+/g, " ").trim();
  return flat.length > MAX_INPUT_LINE ? `${flat.slice(0, MAX_INPUT_LINE - 1)}…` : flat;
}

/**
 * The part of a tool's output a person reads as text: a string, a number, `text`/`passages`/`result`
 * fields, or an MCP result's text content. Undefined for anything else (structured data is shown
 * raw only to the conversation's owner, never in a share).
 */
export function toolResultText(output: unknown): string | undefined {
  if (typeof output === "string") return output;
  if (typeof output === "number" || typeof output === "boolean") return String(output);
  if (!output || typeof output !== "object") return undefined;
  const record = output as Record<string, unknown>;
  if (Array.isArray(record.content)) {
    const texts = record.content.flatMap((item: unknown) =>
      item &&
      typeof item === "object" &&
      (item as { type?: unknown }).type === "text" &&
      typeof (item as { text?: unknown }).text === "string"
        ? [(item as { text: string }).text]
        : [],
    );
    return texts.length ? texts.join("\n") : undefined;
  }
  for (const key of ["text", "passages", "result", "value", "answer"]) {
    const value = record[key];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  }
  return undefined;
}

const GALLERY_IMAGE = /^\/api\/images\/([A-Za-z0-9_-]{1,100})$/;

/**
 * A generated image in a tool's output (`generate_image`: `{ imageId, url, model, prompt }`), only
 * when it is one of this app's gallery images: a stored message never makes a page load another site.
 */
export function generatedImageOf(part: ToolPart): { imageId: string; prompt?: string } | undefined {
  if (part.state !== "output-available" || !part.output || typeof part.output !== "object") return undefined;
  const { imageId, url, prompt } = part.output as { imageId?: unknown; url?: unknown; prompt?: unknown };
  const id =
    typeof imageId === "string" && /^[A-Za-z0-9_-]{1,100}$/.test(imageId)
      ? imageId
      : typeof url === "string"
        ? GALLERY_IMAGE.exec(url)?.[1]
        : undefined;
  if (!id) return undefined;
  return { imageId: id, ...(typeof prompt === "string" ? { prompt } : {}) };
}

/** One word for where a call stands, as the chat, a share and an export say it. */
export function toolStateWords(part: ToolPart): string {
  switch (part.state) {
    case "input-streaming":
      return "Preparing";
    case "input-available":
      return "Running";
    case "approval-requested":
      // An "always allowed" tool passes through approval on its own.
      return part.approval.isAutomatic ? "Running" : "Waiting for approval";
    case "approval-responded":
      return part.approval.approved ? "Running" : "Denied";
    case "output-available":
      return "Done";
    case "output-error":
      return "Failed";
    case "output-denied":
      return "Denied";
  }
}
