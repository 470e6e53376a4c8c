import { tool, zodSchema, type Tool } from "ai";
import { z } from "zod";
import { TRANSLATE_MAX_CHARS } from "../../../contract/builtin-tools";
import { AppError } from "../../../contract/errors";
import { findTranslationModel, TRANSLATION_MODEL, type TranslationModel } from "../../../contract/models";
import { tokenCost } from "../../../contract/pricing";
import { type AiBackend, resolveAiBackend } from "../../ai/backend";
import { modelFailure } from "../../ai/model-errors";
import { outputTokensOfChars, textTokens } from "../../spend/estimate";
import { budgetsOf, reserve, settle, type Budgets, type Payer } from "../../spend/spend";
import { describeBuiltin } from "./describe";

export interface TranslateDeps {
  env: Env;
  payer: Payer & { budgets?: Budgets };
}

export interface Translation {
  translation: string;
  from: string;
  to: string;
  model: string;
}

/**
 * Tokens M2M100 adds around a text: the source's language token and an end token on the way in,
 * the target's language token and an end token on the way out.
 */
const SPECIAL_TOKENS = 2;

/**
 * A translation's worst case, in tokens. The model takes no output limit and states none, so this is
 * twice the source's characters (a "translation" longer than that is not one) at three UTF-8 bytes a
 * character, one token a byte (worker/spend/estimate.ts). What it really wrote is settled as counted,
 * even past this.
 */
export function translationWorstCase(model: TranslationModel, text: string): number {
  return tokenCost(model.price, textTokens(text) + SPECIAL_TOKENS, outputTokensOfChars(2 * text.length) + SPECIAL_TOKENS);
}

/** What a translation is settled at: Workers AI reports no usage for it, so both texts are counted at their most. */
export function translationCost(model: TranslationModel, text: string, translated: string): number {
  return tokenCost(model.price, textTokens(text) + SPECIAL_TOKENS, textTokens(translated) + SPECIAL_TOKENS);
}

/** A language code ("fr", "zh") or name ("french"), as the model takes either; anything else is refused in words. */
const LANGUAGE = /^\p{L}[\p{L} ()_-]{1,39}$/u;

function language(value: string, field: string): string {
  const said = value.trim().toLowerCase();
  if (!LANGUAGE.test(said)) {
    throw new AppError(
      "tool_input",
      `${field} "${value.slice(0, 40)}" is not a language: give a code such as "en", "fr", "es" or a name such as "french".`,
    );
  }
  return said;
}

/**
 * One text through Workers AI's translation model, paid like any model call: the input checked
 * first (nothing is reserved for a text that will be refused), the worst case reserved against the
 * person's budgets, the model called through the one backend, and the reservation settled at what
 * the translation counts, or at nothing when no translation came back.
 */
export async function translateText(
  deps: TranslateDeps,
  input: { text: string; source_lang: string; target_lang: string },
  signal: AbortSignal,
): Promise<Translation> {
  const model = findTranslationModel(TRANSLATION_MODEL);
  if (!model) throw new AppError("unknown_model", `There is no translation model called ${TRANSLATION_MODEL}.`);
  const text = input.text.trim();
  if (!text) throw new AppError("tool_input", "The text to translate is empty.");
  if (text.length > TRANSLATE_MAX_CHARS) {
    throw new AppError(
      "tool_input",
      `The text is ${text.length.toLocaleString("en-US")} characters; translate takes at most ${TRANSLATE_MAX_CHARS.toLocaleString("en-US")} at a time. Split it at paragraph breaks and translate each part.`,
    );
  }
  const from = language(input.source_lang, "The source language");
  const to = language(input.target_lang, "The target language");
  if (from === to) throw new AppError("tool_input", `The source and target language are both "${to}": there is nothing to translate.`);

  const { env, payer } = deps;
  const reservation = await reserve(
    env,
    { ...payer, use: { kind: "tools", model: model.id } },
    translationWorstCase(model, text),
    Date.now(),
    payer.budgets ?? budgetsOf(env),
  );
  let spent = 0;
  try {
    const backend = resolveAiBackend(env);
    let answer: unknown;
    try {
      // The same text and languages always translate the same way (no sampling), so a gateway may cache it.
      answer = await backend.binding.run(model.id, { text, source_lang: from, target_lang: to }, { signal, deterministic: true });
    } catch (error) {
      if (signal.aborted) throw error;
      throw noModelHere(modelFailure(error), backend, model);
    }
    const translated = (answer as { translated_text?: unknown } | null)?.translated_text;
    if (typeof translated !== "string" || !translated.trim()) {
      throw new AppError("upstream", "The translation model answered without a translation; nothing was charged.");
    }
    spent = translationCost(model, text, translated);
    return { translation: translated, from, to, model: model.id };
  } finally {
    await settle(env, reservation, spent);
  }
}

/**
 * A server without the model (the local engine has no translation model: it answers 5007, "no such
 * model") is told as such, so the chat model reading the tool's error translates by itself instead.
 */
function noModelHere(failure: AppError, backend: AiBackend, model: TranslationModel): AppError {
  if (failure.code !== "unknown_model") return failure;
  // "Workers AI" and "Workers AI (REST)" are Cloudflare itself (backend.ts, restLabel); anything else only speaks its contract.
  const where = /^Workers AI( \(REST\))?$/.test(backend.label)
    ? `Workers AI does not offer the translation model ${model.id} at the moment`
    : `The ${backend.label} (the local engine, in development) has no translation model`;
  return new AppError("unknown_model", `${where}, so nothing was translated: translate the text yourself.`);
}

// Made once per isolate: the AI SDK caches a schema's JSON form on the wrapper (see generate-image.ts).
const inputSchema = zodSchema(
  z.object({
    text: z
      .string()
      .describe(`The text to translate, as it is (keep its line breaks and markdown); at most ${TRANSLATE_MAX_CHARS} characters.`),
    // Asked for, not defaulted: m2m100 takes an unnamed source for English and mistranslates anything else.
    source_lang: z.string().describe('The language the text is in: a code such as "en", "fr", "de", "ja" or a name such as "french".'),
    target_lang: z.string().describe('The language to translate into: a code such as "es", "zh" or a name such as "spanish".'),
  }),
);

export function translateTool(deps: TranslateDeps): Tool {
  return tool({
    description: describeBuiltin("translate"),
    inputSchema,
    execute: async (input, { abortSignal }): Promise<Translation> =>
      translateText(deps, input, abortSignal ?? new AbortController().signal),
  });
}
