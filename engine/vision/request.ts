import { z } from "zod";
import { CODES, EngineError } from "../errors";

/**
 * What a Workers AI vision request carries that a local captioner can use: the image (an
 * `image_url` data URI in a chat message, as workers-ai-provider sends it, or the older top-level
 * `image` of @cf/meta/llama-3.2-11b-vision-instruct), the stream flag and max_tokens.
 */

const DEFAULT_MAX_TOKENS = 256;
const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,(.*)$/is;

const part = z.object({ type: z.string(), image_url: z.object({ url: z.string() }).optional() });
const visionInput = z.object({
  messages: z.array(z.object({ role: z.string(), content: z.union([z.string(), z.array(part)]).nullable() })).optional(),
  image: z.union([z.array(z.number().int().min(0).max(255)), z.string()]).optional(),
  max_tokens: z.number().int().min(1).optional(),
  stream: z.boolean().optional(),
});

export interface VisionRun {
  image: Buffer;
  maxTokens: number;
  stream: boolean;
}

/** The image the request carries, if any; undefined when it has none (so another capability answers). */
export function findImage(body: unknown): Buffer | undefined {
  const parsed = visionInput.safeParse(body);
  if (!parsed.success) return undefined;
  const { messages, image } = parsed.data;
  if (Array.isArray(image)) return Buffer.from(image);
  if (typeof image === "string") return Buffer.from(DATA_URI.exec(image)?.[1] ?? image, "base64");
  // The latest image wins: a conversation may have moved on to a new one.
  for (const message of [...(messages ?? [])].reverse()) {
    if (!Array.isArray(message.content)) continue;
    for (const p of [...message.content].reverse()) {
      const match = p.type === "image_url" && p.image_url ? DATA_URI.exec(p.image_url.url) : null;
      if (match) return Buffer.from(match[1], "base64");
    }
  }
  return undefined;
}

export function parseVisionRun(body: unknown): VisionRun {
  const parsed = visionInput.safeParse(body);
  if (!parsed.success) throw new EngineError(CODES.invalidData, 400, `Invalid input: ${parsed.error.issues[0]?.message ?? "wrong type"}.`);
  const image = findImage(body);
  if (!image?.length)
    throw new EngineError(CODES.incompleteRequest, 400, "Incomplete request: no image (an image_url data URI in messages, or 'image').");
  return { image, maxTokens: parsed.data.max_tokens ?? DEFAULT_MAX_TOKENS, stream: parsed.data.stream ?? false };
}
