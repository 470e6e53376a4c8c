import { z } from "zod";
import { CHAT_SETTINGS_LIMITS } from "../../contract/models";

/**
 * Request bodies of the OpenAI-compatible endpoints, as much of OpenAI's API as Workers AI can
 * honour. Fields OpenAI clients send that Workers AI has no use for (`user`, `logprobs`, ...) are
 * ignored rather than refused, so existing tools work unchanged; fields whose meaning we cannot
 * keep (`n` > 1, image URLs that are not data URLs) are refused with the field named.
 */

const MAX_TEXT = 1_000_000;

const textPart = z.object({ type: z.literal("text"), text: z.string().max(MAX_TEXT) });
/** Only data URLs: fetching a URL a stranger names would make the Worker a proxy to anywhere. */
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({
    url: z
      .string()
      .regex(/^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/, "Images must be data URLs (data:image/png;base64,...)"),
    detail: z.enum(["auto", "low", "high"]).optional(),
  }),
});

const toolCall = z.object({
  id: z.string().max(200),
  type: z.literal("function"),
  function: z.object({ name: z.string().max(200), arguments: z.string().max(MAX_TEXT) }),
});

export const chatMessageSchema = z.discriminatedUnion("role", [
  // "developer" is what newer OpenAI clients call the system message.
  z.object({ role: z.enum(["system", "developer"]), content: z.union([z.string().max(MAX_TEXT), z.array(textPart).max(100)]) }),
  z.object({
    role: z.literal("user"),
    content: z.union([
      z.string().max(MAX_TEXT),
      z
        .array(z.discriminatedUnion("type", [textPart, imagePart]))
        .min(1)
        .max(100),
    ]),
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.union([z.string().max(MAX_TEXT), z.array(textPart).max(100), z.null()]).optional(),
    tool_calls: z.array(toolCall).max(128).optional(),
  }),
  z.object({
    role: z.literal("tool"),
    content: z.union([z.string().max(MAX_TEXT), z.array(textPart).max(100)]),
    tool_call_id: z.string().max(200),
  }),
]);
export type OpenAiMessage = z.infer<typeof chatMessageSchema>;

const tool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Function names are 1 to 64 letters, digits, _ or -"),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

/**
 * OpenAI's `response_format`. "text" is the default and asks nothing; the JSON forms go to models
 * with Workers AI's JSON mode (chat-inputs.ts), the rest are refused rather than silently ignored.
 */
const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "Schema names are 1 to 64 letters, digits, _ or -"),
      description: z.string().max(10_000).optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormat>;

const maxTokens = z.number().int().min(CHAT_SETTINGS_LIMITS.maxTokens.min).max(CHAT_SETTINGS_LIMITS.maxTokens.max);

export const chatCompletionSchema = z.object({
  model: z.string().min(1).max(200),
  messages: z.array(chatMessageSchema).min(1).max(1000),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: maxTokens.nullish(),
  max_completion_tokens: maxTokens.nullish(),
  stop: z.union([z.string().max(200), z.array(z.string().max(200)).max(4)]).nullish(),
  seed: z.number().int().min(0).max(4_294_967_295).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  n: z.literal(1, "Only one choice (n: 1) is supported").nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).max(128).nullish(),
  tool_choice: z
    .union([
      z.enum(["auto", "none", "required"]),
      z.object({ type: z.literal("function"), function: z.object({ name: z.string().max(64) }) }),
    ])
    .nullish(),
  response_format: responseFormat.nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionSchema>;

export const embeddingsSchema = z.object({
  model: z.string().min(1).max(200),
  // Token arrays (number[]) are OpenAI's too, but BGE tokenizes for itself: text only.
  input: z.union([z.string().max(100_000), z.array(z.string().max(100_000)).min(1).max(100)]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().positive().optional(),
});

export const imagesSchema = z.object({
  prompt: z.string().trim().min(1, "Write a prompt").max(4_000),
  model: z.string().min(1).max(200).optional(),
  n: z.number().int().min(1).max(4, "At most 4 images per request").nullish(),
  size: z
    .string()
    .regex(/^(auto|\d{2,4}x\d{2,4})$/, "Size is WIDTHxHEIGHT, e.g. 1024x1024")
    .nullish(),
  response_format: z.literal("b64_json", 'Only response_format "b64_json" is supported: the API stores no images to link to').nullish(),
  quality: z.string().max(20).nullish(),
  style: z.string().max(20).nullish(),
  user: z.string().max(200).optional(),
});
