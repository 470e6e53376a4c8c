import type { ModelMessage } from "ai";
import { AppError } from "../../../contract/errors";
import { MEMORY_LIMITS } from "../../../contract/memory";
import type { ChatMessage } from "../../../contract/messages";
import { findChatModel } from "../../../contract/models";
import { tokenCost } from "../../../contract/pricing";
import { TITLE_MODEL } from "../../../contract/titles";
import type { AiBinding } from "../../ai/binding";
import { log } from "../../log";
import { worstCaseAnswer } from "../../spend/answer-cost";
import { reserve, settle } from "../../spend/spend";
import type { TurnPayer } from "../answers/turn";

/** The small, cheap catalog model that names conversations also proposes memories (for answers from models without tools). */
export const SUGGEST_MODEL = TITLE_MODEL;

/** Candidates at most, and the reply's bound (which also bounds the reservation). */
const MAX_CANDIDATES = 5;
const MAX_REPLY_TOKENS = 200;
/** The model reads the person's own words only, the latest of them: where facts about them are, and cheap to send. */
const MAX_EXCERPT_CHARS = 4_000;

export const SUGGEST_INSTRUCTIONS =
  "You help a person keep a short list of facts about themselves that an assistant remembers between conversations. " +
  `From the person's messages below, list up to ${MAX_CANDIDATES} lasting facts or preferences about the person (not about the topic they asked about). ` +
  "One per line, in the third person, each one short sentence, e.g. Prefers metric units. Reply NONE if there are none.";

/**
 * Asks the small model for memories the person may want from a conversation, reserved against their
 * budget first and settled at what it cost, as a title is (../conversations/model-title.ts). Returns
 * candidates only: nothing is stored until the person keeps one. Errors come back in words.
 */
export async function suggestMemories(
  deps: { env: Env; binding: AiBinding; payer: TurnPayer },
  messages: readonly ChatMessage[],
  kept: readonly string[],
): Promise<string[]> {
  const said = personsWords(messages);
  if (!said) return [];
  const prompt: ModelMessage[] = [{ role: "user", content: said }];
  const worstCase = worstCaseAnswer(SUGGEST_MODEL, { instructions: SUGGEST_INSTRUCTIONS, messages: prompt }, MAX_REPLY_TOKENS);
  // Refused in words (budget_exhausted, person_blocked) before any call is made.
  const reservation = await reserve(
    deps.env,
    { ...deps.payer, use: { kind: "chat", model: SUGGEST_MODEL } },
    worstCase,
    Date.now(),
    deps.payer.budgets,
  );
  let spent = 0;
  try {
    const run = deps.binding.run as unknown as (model: string, inputs: unknown) => Promise<unknown>;
    const result = await run(SUGGEST_MODEL, {
      messages: [{ role: "system", content: SUGGEST_INSTRUCTIONS }, ...prompt],
      max_tokens: MAX_REPLY_TOKENS,
      temperature: 0.2,
      stream: false,
    });
    spent = costOf(result) ?? worstCase;
    const reply = (result as { response?: unknown } | null)?.response;
    return candidates(typeof reply === "string" ? reply : "", kept);
  } catch (error) {
    log("memory.suggest_failed", { detail: String(error).slice(0, 300) });
    throw new AppError("upstream", "The model could not suggest memories just now. Try again in a moment.");
  } finally {
    await settle(deps.env, reservation, spent);
  }
}

/** The reply as memories: one per line, bullets and numbers dropped, none already kept, none too long. */
export function candidates(reply: string, kept: readonly string[]): string[] {
  const known = new Set(kept.map((k) => k.trim().toLowerCase()));
  const found: string[] = [];
  for (const raw of reply.replace(/<think>[\s\S]*?<\/think>/gi, "").split(/\r?\n/)) {
    const line = raw
      .replace(/[\p{Cc}\p{Cf}]/gu, "")
      .replace(/^\s*(?:[-*•]|\d+[.)])\s*/u, "")
      .replace(/[*_`]/g, "")
      .trim();
    if (!/[\p{L}\p{N}]/u.test(line) || /^none\b/i.test(line) || line.length > MEMORY_LIMITS.chars) continue;
    if (known.has(line.toLowerCase())) continue;
    known.add(line.toLowerCase());
    found.push(line);
    if (found.length === MAX_CANDIDATES) break;
  }
  return found;
}

function personsWords(messages: readonly ChatMessage[]): string {
  const text = messages
    .filter((m) => m.role === "user")
    .map((m) =>
      m.parts
        .flatMap((p) => (p.type === "text" ? [p.text] : []))
        .join("\n")
        .trim(),
    )
    .filter(Boolean)
    .join("\n\n");
  return text.length > MAX_EXCERPT_CHARS ? `…${text.slice(-MAX_EXCERPT_CHARS)}` : text;
}

function costOf(result: unknown): number | undefined {
  const usage = (result as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
  if (typeof usage?.prompt_tokens !== "number" || typeof usage.completion_tokens !== "number") return undefined;
  return tokenCost(findChatModel(SUGGEST_MODEL)!.price, usage.prompt_tokens, usage.completion_tokens);
}
