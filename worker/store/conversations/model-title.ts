import type { ModelMessage } from "ai";
import { findChatModel } from "../../../contract/models";
import type { ChatMessage } from "../../../contract/messages";
import { tokenCost } from "../../../contract/pricing";
import { MAX_MODEL_TITLE_CHARS, TITLE_INSTRUCTIONS, TITLE_MODEL } from "../../../contract/titles";
import type { AiBinding } from "../../ai/binding";
import { log } from "../../log";
import { worstCaseAnswer } from "../../spend/answer-cost";
import { reserve, settle } from "../../spend/spend";
import type { TurnPayer } from "../answers/turn";

/** A few words need few tokens; this also bounds the reservation. */
const MAX_TITLE_TOKENS = 24;
/** The model sees the start of the exchange only: enough to name it, cheap to send. */
const MAX_EXCERPT_CHARS = 1_500;
/** More words than this is a sentence, not a title: the model rambled. */
const MAX_TITLE_WORDS = 10;

/**
 * Asks the title model for a conversation's title from its first question and answer, reserved
 * against the payer's budget first and settled at what it cost. Returns null when there is no title
 * to use: the budget is spent (no call is made), the call failed, or the reply was not a title.
 */
export async function modelTitle(
  deps: { env: Env; binding: AiBinding; payer: TurnPayer },
  question: ChatMessage,
  answer: ChatMessage,
): Promise<string | null> {
  const messages: ModelMessage[] = [{ role: "user", content: `Question: ${excerpt(question)}\n\nAnswer: ${excerpt(answer)}` }];
  const worstCase = worstCaseAnswer(TITLE_MODEL, { instructions: TITLE_INSTRUCTIONS, messages }, MAX_TITLE_TOKENS);
  let reservation;
  try {
    reservation = await reserve(
      deps.env,
      { ...deps.payer, use: { kind: "chat", model: TITLE_MODEL } },
      worstCase,
      Date.now(),
      deps.payer.budgets,
    );
  } catch (error) {
    log("title.skipped", { reason: String(error).slice(0, 200) });
    return null;
  }
  let spent = 0;
  try {
    const run = deps.binding.run as unknown as (model: string, inputs: unknown) => Promise<unknown>;
    const result = await run(TITLE_MODEL, {
      messages: [{ role: "system", content: TITLE_INSTRUCTIONS }, ...messages],
      max_tokens: MAX_TITLE_TOKENS,
      temperature: 0.2,
      stream: false,
    });
    spent = costOf(result) ?? worstCase;
    const title = cleanTitle(
      typeof (result as { response?: unknown })?.response === "string" ? (result as { response: string }).response : "",
    );
    if (!title) log("title.rejected", { reply: String((result as { response?: unknown })?.response ?? typeof result).slice(0, 200) });
    return title;
  } catch (error) {
    log("title.failed", { detail: String(error).slice(0, 300) });
    return null;
  } finally {
    await settle(deps.env, reservation, spent);
  }
}

/** MODEL_TITLES: "off" keeps the first words as every title and makes no title calls; anything else, or unset, is on. */
export function modelTitlesOn(env: Env): boolean {
  // An optional setting the generated Env does not name.
  return (env as Env & { MODEL_TITLES?: string }).MODEL_TITLES?.trim().toLowerCase() !== "off";
}

/**
 * A model's reply as a title, or null when it is not one: the first line, without quotes, markdown,
 * a "Title:" label or trailing punctuation, cut at a word boundary when long. Plain text only.
 */
export function cleanTitle(reply: string): string | null {
  const line = reply
    .replace(/<think>[\s\S]*?<\/think>/gi, "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return null;
  const text = line
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/^(#+|[-*>]\s)\s*/, "")
    .replace(/^\**\s*title\s*:\s*/i, "")
    .replace(/[*_`"“”„«»]/g, "")
    .replace(/^['‘’]+|['‘’]+$/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.,;:!?…。、-]+$/u, "")
    .trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  if (text.split(" ").length > MAX_TITLE_WORDS) return null;
  if (text.length <= MAX_MODEL_TITLE_CHARS) return text;
  const cut = text.slice(0, MAX_MODEL_TITLE_CHARS);
  const space = cut.lastIndexOf(" ");
  return (space > MAX_MODEL_TITLE_CHARS / 2 ? cut.slice(0, space) : cut).trim();
}

/** What the call cost, from the usage Workers AI reports; undefined when it reports none. */
function costOf(result: unknown): number | undefined {
  const usage = (result as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
  if (typeof usage?.prompt_tokens !== "number" || typeof usage.completion_tokens !== "number") return undefined;
  return tokenCost(findChatModel(TITLE_MODEL)!.price, usage.prompt_tokens, usage.completion_tokens);
}

function excerpt(message: ChatMessage): string {
  const text = message.parts
    .flatMap((p) => (p.type === "text" ? [p.text] : []))
    .join("\n")
    .trim();
  return text.length > MAX_EXCERPT_CHARS ? `${text.slice(0, MAX_EXCERPT_CHARS)}…` : text;
}
