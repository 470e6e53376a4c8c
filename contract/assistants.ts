import { z } from "zod";
import { idSchema } from "./id-schema";
import { CHAT_SETTINGS_LIMITS } from "./models";
import { toolKeySchema } from "./tools";

/**
 * Assistants (issue 25): a named preset of a chat's model, instructions, temperature, tools and
 * documents. Starting a chat from one copies these into the new conversation's settings (the person
 * sees and may change them there) and tags the conversation with the assistant's id, so the
 * assistant can list its chats. Editing an assistant later changes the chats started after, not
 * the ones already under way: a preset, not a live link.
 */
export const ASSISTANT_LIMITS = {
  /** Assistants one person may keep (built-ins do not count). */
  maxAssistants: 50,
  nameChars: 80,
  descriptionChars: 300,
  /** The same bound as a conversation's own system prompt, since they become one. */
  instructionsChars: CHAT_SETTINGS_LIMITS.systemPrompt.maxLength,
  documents: 20,
  /** Chats listed under an assistant. */
  listedChats: 100,
} as const;

/** A person's assistants have minted ids (22 characters); built-ins are named `builtin-…`. */
export const assistantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not an assistant id");

export const assistantInputSchema = z.object({
  name: z.string().trim().min(1, "needs a name").max(ASSISTANT_LIMITS.nameChars),
  description: z.string().trim().max(ASSISTANT_LIMITS.descriptionChars).default(""),
  /** Checked against the catalog by the store, so an unknown one gets the "unknown model" error. */
  model: z.string().min(3).max(100),
  instructions: z.string().max(ASSISTANT_LIMITS.instructionsChars).default(""),
  temperature: z.number().min(CHAT_SETTINGS_LIMITS.temperature.min).max(CHAT_SETTINGS_LIMITS.temperature.max),
  /** The tools on (built-in names and connector tool keys); unset = every tool, as in a conversation's settings. */
  tools: z.array(toolKeySchema).max(200).optional(),
  /** Documents from the person's library attached to each chat started from it. */
  documentIds: z.array(idSchema).max(ASSISTANT_LIMITS.documents).default([]),
});
export type AssistantInput = z.infer<typeof assistantInputSchema>;

export interface Assistant extends AssistantInput {
  id: string;
  /** Shipped with the app (BUILTIN_ASSISTANTS): read-only, "Edit as a copy" makes the person's own. */
  builtin: boolean;
  createdAt: number;
  updatedAt: number;
}

/** `GET /api/assistants`. */
export interface AssistantList {
  builtin: Assistant[];
  own: Assistant[];
}

/**
 * The translator is a chat model that translates with Workers AI's translation model through the
 * `translate` tool (contract/builtin-tools.ts; @cf/meta/m2m100-1.2b, TRANSLATION_MODELS in ./models.ts).
 * m2m100 alone cannot be the assistant: it takes one text plus `source_lang` / `target_lang` and
 * returns `translated_text`, with no conversation, no instructions and no streaming, so follow-ups
 * such as "more formal" or "why this word?" mean nothing to it. So the chat model names the languages,
 * hands the text to m2m100 (its cost reserved and settled like any model call) and presents the
 * translation with the original's formatting, and answers follow-ups itself. Where m2m100 is not
 * there (the local engine has none) the tool says so and the chat model translates by itself.
 * Llama 4 Scout calls tools, is multilingual (Meta lists 12 languages) and is on the free plan.
 */
const TRANSLATOR_MODEL = "@cf/meta/llama-4-scout-17b-16e-instruct";

const SHIPPED = 0;

/** Assistants that ship with the app: read-only, copied to be changed. */
export const BUILTIN_ASSISTANTS: readonly Assistant[] = [
  {
    id: "builtin-writing-editor",
    builtin: true,
    name: "Writing editor",
    description: "Tightens and corrects your text, and says what it changed.",
    model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    instructions:
      "You are a careful copy editor. When given text, return an edited version that fixes spelling, grammar and punctuation, removes needless words and keeps the author's voice, meaning and language. After the edited text, list the notable changes in a few short bullet points. Do not add new claims. If the text is already good, say so and change little.",
    temperature: 0.3,
    tools: [],
    documentIds: [],
    createdAt: SHIPPED,
    updatedAt: SHIPPED,
  },
  {
    id: "builtin-code-reviewer",
    builtin: true,
    name: "Code reviewer",
    description: "Reviews code for bugs, security and clarity, most important first.",
    model: "@cf/qwen/qwen3-30b-a3b-fp8",
    instructions:
      "You are a senior engineer reviewing code. For the code you are given, list concrete problems in order of importance: bugs and wrong behaviour first, then security issues, then error handling, then readability. For each, quote the line or name the function, say why it is a problem, and show a corrected snippet. Do not restate what the code does. If you are unsure, say what you would check. End with a one-line verdict.",
    temperature: 0.2,
    tools: ["search_documents"],
    documentIds: [],
    createdAt: SHIPPED,
    updatedAt: SHIPPED,
  },
  {
    id: "builtin-translator",
    builtin: true,
    name: "Translator",
    description: "Translates what you send with Workers AI's translation model, keeping formatting. Say the target language once.",
    model: TRANSLATOR_MODEL,
    instructions:
      "You are a translator. Translate each message the person sends into the target language they name (if they have not named one, translate into English; if the text is English, ask which language they want). To translate, call the translate tool with the text, the language it is in (source_lang) and the target language (target_lang); send a text longer than 4,000 characters in parts, split at paragraph breaks. Reply with the translation the tool returned, laid out as the original is (line breaks, lists, markdown), with names and numbers as they were; mend only what the tool plainly broke. Reply with the translation only, unless the person asks about it. Answer follow-ups (more formal, shorter, why this word) yourself, without the tool. If the tool fails, say so in one short sentence and translate the text yourself.",
    temperature: 0.2,
    tools: ["translate"],
    documentIds: [],
    createdAt: SHIPPED,
    updatedAt: SHIPPED,
  },
];

export function findBuiltinAssistant(id: string): Assistant | undefined {
  return BUILTIN_ASSISTANTS.find((assistant) => assistant.id === id);
}
