import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * CLIP's byte-level BPE tokenizer, as Stable Diffusion's text encoder was trained with: lowercase,
 * split into words, each word's UTF-8 bytes merged by rank, "</w>" marking a word's end. Reads the
 * `tokenizer/vocab.json` and `tokenizer/merges.txt` that ship with the ONNX exports; the generated
 * test models ship a small pair in the same format, so one code path serves both.
 */
export const CONTEXT_LENGTH = 77;
const BOS = "<|startoftext|>";
const EOS = "<|endoftext|>";
const WORDS = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

export class ClipTokenizer {
  private readonly ranks: Map<string, number>;
  private readonly byteChars = byteToUnicode();
  private readonly cache = new Map<string, string[]>();
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;

  constructor(
    private readonly vocab: Record<string, number>,
    merges: string[],
    padToken = EOS,
  ) {
    this.ranks = new Map(merges.map((m, i) => [m, i]));
    this.bos = vocab[BOS];
    this.eos = vocab[EOS];
    this.pad = vocab[padToken] ?? this.eos;
    if (this.bos === undefined || this.eos === undefined) throw new Error(`the vocabulary has no ${BOS} or ${EOS}`);
  }

  static load(modelDir: string): ClipTokenizer {
    const dir = join(modelDir, "tokenizer");
    const vocab = JSON.parse(readFileSync(join(dir, "vocab.json"), "utf8")) as Record<string, number>;
    const merges = readFileSync(join(dir, "merges.txt"), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#version"));
    return new ClipTokenizer(vocab, merges, padTokenOf(dir));
  }

  /** Exactly 77 ids: start, the prompt (cut to fit), end, then padding. */
  encode(text: string): number[] {
    const ids: number[] = [];
    const clean = text.replace(/\s+/g, " ").trim().toLowerCase();
    for (const word of clean.match(WORDS) ?? []) {
      const chars = Array.from(new TextEncoder().encode(word), (b) => this.byteChars[b]).join("");
      for (const piece of this.bpe(chars)) ids.push(this.vocab[piece] ?? this.eos);
    }
    const body = ids.slice(0, CONTEXT_LENGTH - 2);
    return [this.bos, ...body, this.eos, ...Array<number>(CONTEXT_LENGTH - 2 - body.length).fill(this.pad)];
  }

  /** Merges the lowest-ranked adjacent pair until no known pair is left. */
  private bpe(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let parts = Array.from(word);
    parts[parts.length - 1] += "</w>";
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
      }
      if (best < 0) break;
      const [a, b] = [parts[best], parts[best + 1]];
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) merged.push(a + b), i++;
        else merged.push(parts[i]);
      }
      parts = merged;
    }
    this.cache.set(word, parts);
    return parts;
  }
}

/** SD 2.x tokenizers pad with "!", SD 1.x with the end token: the export's config says which. */
function padTokenOf(dir: string): string | undefined {
  const file = join(dir, "special_tokens_map.json");
  if (!existsSync(file)) return undefined;
  const pad = (JSON.parse(readFileSync(file, "utf8")) as { pad_token?: string | { content?: string } }).pad_token;
  return typeof pad === "string" ? pad : pad?.content;
}

/** GPT-2/CLIP's reversible map from bytes to printable characters. */
export function byteToUnicode(): string[] {
  const printable = new Set<number>();
  for (const [from, to] of [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ])
    for (let b = from; b <= to; b++) printable.add(b);
  const chars: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCodePoint(printable.has(b) ? b : 256 + extra++);
  return chars;
}
