import type { ModelMessage } from "ai";
import { tokenCost, type TokenPrice } from "../../contract/pricing";

/**
 * How many tokens a model call can be billed for, counted from what is sent, never fewer than the
 * model will count: every reservation (chat, vision, titles, documents, /v1) and every settlement
 * without a usage report uses these numbers. Without the models' tokenizers in the Worker, the one
 * bound that holds for all of them is the byte count.
 */

/**
 * UTF-8 bytes per token, at most. The chat models' tokenizers are byte-level BPE (Llama 3 and 4,
 * gpt-oss, Qwen, GLM, Kimi) or SentencePiece with byte fallback (Gemma); BGE's WordPiece makes a
 * token of at least one character. Either way every token stands for at least one byte, so a text
 * is never more tokens than bytes, whatever its script: English averages about four bytes a token,
 * but an emoji can be four tokens and a rare CJK character three, and no ratio above 1 holds for
 * them. Reserving one token a byte over-reserves English text about fourfold; the difference is
 * released when the answer settles at its reported usage, and the context window caps it.
 */
export const BYTES_PER_TOKEN = 1;

/**
 * Vision models bill an attached image as input tokens; Cloudflare has stated "between 1,601 and
 * 6,404 tokens" per image (its earlier pricing page), so the worst case takes the top of that range.
 */
export const IMAGE_INPUT_TOKENS = 6_404;

/**
 * Tokens the chat template adds once per call, beyond anything sent: the system header (Llama 3's
 * "Cutting Knowledge Date" lines, gpt-oss's Harmony preamble, about 60 to 80 tokens) and the
 * instructions templates wrap around tool definitions (Llama 3.1's tool prompt, about 100).
 */
export const CALL_OVERHEAD_TOKENS = 256;

/** Tokens a template adds around each message, tool definition or tool call: role headers, end-of-turn and call markers, ids. */
export const ITEM_OVERHEAD_TOKENS = 16;

/** A UTF-16 code unit is at most three UTF-8 bytes (a surrogate pair, two units, is four). */
export const MAX_BYTES_PER_CHAR = 3;

/** Special tokens a BERT-style encoder adds to each input ([CLS] and [SEP]; a reranker pair has four). */
const ENCODER_SPECIAL_TOKENS = 4;

/** The UTF-8 length of a string, without encoding it. A lone surrogate is written as U+FFFD (three bytes), as TextEncoder does. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** At most this many tokens: what `bytes` of text can be. */
export const tokensOfBytes = (bytes: number) => Math.ceil(bytes / BYTES_PER_TOKEN);

/** A text's worst-case tokens. */
export const textTokens = (text: string) => tokensOfBytes(utf8Bytes(text));

/**
 * The worst-case input of one model call, added up piece by piece. With a `limit` (the model's
 * context window) the count stops growing past it: the model refuses a longer prompt rather than
 * bill it (Workers AI error 5021), and a huge request is not serialised to the end just to be capped.
 */
export class PromptSize {
  private bytes = 0;
  private items = 0;
  private images = 0;

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  /** Text the model reads as it is. */
  text(text: string | null | undefined): this {
    if (text && !this.full()) this.bytes += utf8Bytes(text);
    return this;
  }

  /** Bytes sent as they are (a non-image file). */
  binary(byteLength: number): this {
    if (!this.full()) this.bytes += byteLength;
    return this;
  }

  /**
   * A value the template writes out as JSON (tool definitions, tool call arguments, tool results).
   * Counted as JSON indented by four spaces: some templates (Llama 3.1's) pretty-print tool
   * definitions that way, and Python's `json.dumps` puts a space after every separator, so this is
   * at least as long as any rendering they make; it costs a deeply nested schema its indentation.
   */
  json(value: unknown): this {
    if (value === undefined || this.full()) return this;
    return this.text(JSON.stringify(value, null, 4) ?? "");
  }

  /** A message, tool definition or tool call: the template wraps each in tokens of its own. */
  item(count = 1): this {
    this.items += count;
    return this;
  }

  image(count = 1): this {
    this.images += count;
    return this;
  }

  /** The images' share of `tokens()`, before any limit. */
  imageTokens(): number {
    return this.images * IMAGE_INPUT_TOKENS;
  }

  /** At most this many input tokens, within the limit. */
  tokens(): number {
    const counted = CALL_OVERHEAD_TOKENS + this.items * ITEM_OVERHEAD_TOKENS + tokensOfBytes(this.bytes) + this.imageTokens();
    return Math.min(counted, this.limit);
  }

  private full(): boolean {
    return this.tokens() >= this.limit;
  }
}

/**
 * An AI SDK prompt (the chat and vision pages, titles), measured: instructions, every message's
 * text and reasoning, tool calls and results as JSON, images at IMAGE_INPUT_TOKENS each, any other
 * file by its bytes.
 */
export function modelPromptSize(prompt: { instructions?: string; messages: readonly ModelMessage[] }, limit?: number): PromptSize {
  const size = new PromptSize(limit);
  if (prompt.instructions) size.item().text(prompt.instructions);
  for (const message of prompt.messages) {
    size.item();
    if (typeof message.content === "string") {
      size.text(message.content);
      continue;
    }
    for (const part of message.content) addPart(size, part);
  }
  return size;
}

type Part = Exclude<ModelMessage["content"], string>[number];

function addPart(size: PromptSize, part: Part): void {
  switch (part.type) {
    case "text":
    case "reasoning":
      size.text(part.text);
      return;
    case "image":
      size.image();
      return;
    case "file":
    case "reasoning-file":
      if (part.mediaType.startsWith("image/")) size.image();
      else addData(size, part.data);
      return;
    case "tool-call":
      size.item().text(part.toolCallId).text(part.toolName).json(part.input);
      return;
    case "tool-result":
      size.item().text(part.toolCallId).text(part.toolName).json(part.output);
      return;
    default:
      // Parts this app does not send today (approvals, custom parts): whatever they hold, as JSON.
      size.json(part);
  }
}

/** A non-image file the model reads: its bytes, or the text that carries them (base64, a URL). */
function addData(size: PromptSize, data: unknown): void {
  if (typeof data === "string") size.text(data);
  else if (data instanceof URL) size.text(data.href);
  else if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) size.binary(data.byteLength);
  else if (data && typeof data === "object" && "data" in data) addData(size, (data as { data: unknown }).data);
  else size.json(data);
}

/** The most a generated text can have been billed as: one token a byte. */
export const outputTokensOf = textTokens;

/** From a UTF-16 length alone (a stream counted in `.length`): three bytes a code unit at most. */
export const outputTokensOfChars = (chars: number) => tokensOfBytes(chars * MAX_BYTES_PER_CHAR);

/** The most a call can cost: its worst-case input and all of `maxTokens` of output, at the model's prices. */
export function worstCaseNeurons(price: TokenPrice, inputTokens: number, maxTokens: number): number {
  return tokenCost(price, inputTokens, maxTokens);
}

/**
 * An embedding call's input: each text's bytes plus the encoder's special tokens, each cut at what
 * the model reads (longer text is truncated by the BGE models, `maxInputTokens` in the catalog).
 */
export function embeddingTokens(texts: readonly string[], maxInputTokens = Number.POSITIVE_INFINITY): number {
  return texts.reduce((sum, text) => sum + Math.min(textTokens(text) + ENCODER_SPECIAL_TOKENS, maxInputTokens), 0);
}

/** A reranker call's input: the cross-encoder reads the question beside each passage, so every pair is input. */
export function rerankTokens(question: string, texts: readonly string[]): number {
  const questionTokens = textTokens(question);
  return texts.reduce((sum, text) => sum + questionTokens + textTokens(text) + ENCODER_SPECIAL_TOKENS, 0);
}
