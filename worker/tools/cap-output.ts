import { TOOL_LIMITS } from "../../contract/tools";

/**
 * A tool's output cut to `limit` characters of JSON before it goes back to the model (and is saved):
 * a web page or an MCP server can answer with megabytes, each character a prompt token in every
 * later step. The cut says so in words, so the model (and the person) know the rest is missing.
 *
 * The output keeps its shape where it can: the longest strings inside it are shortened first (a
 * page's text, an MCP result's `content[].text`), so `{ imageId, url }` style fields stay whole.
 * Only an output whose small pieces alone are too many (a huge array of numbers) becomes its JSON
 * text, cut.
 */
export function capOutput(output: unknown, limit: number = TOOL_LIMITS.outputChars): unknown {
  if (output === undefined) return output;
  if (typeof output === "string") return output.length <= limit ? output : cutText(output, limit);
  const json = JSON.stringify(output);
  if (json === undefined || json.length <= limit) return output;
  const copy = JSON.parse(json) as unknown;
  // A string already cut, and the length it had: a second pass cuts the text again, not the note.
  const cutFrom = new Map<string, { text: string; total: number }>();
  // Each pass shortens the longest string by what is still over (escapes make JSON longer than the
  // text, so the measure is the JSON again); a handful of passes covers a result with several texts.
  for (let pass = 0; pass < 8; pass++) {
    const over = JSON.stringify(copy).length - limit;
    if (over <= 0) return copy;
    const longest = longestString(copy);
    if (!longest) break;
    const { text, total } = cutFrom.get(longest.value) ?? { text: longest.value, total: longest.value.length };
    const said = note(total);
    if (longest.value.length <= said.length) break;
    // Cut by the share of the string's JSON that is over.
    const inJson = JSON.stringify(longest.value).length - 2;
    const keep = Math.floor((longest.value.length * Math.max(0, inJson - over - 16)) / inJson) - said.length;
    const next = text.slice(0, Math.max(0, keep)) + said;
    cutFrom.set(next, { text: text.slice(0, Math.max(0, keep)), total });
    longest.set(next);
  }
  const shrunk = JSON.stringify(copy);
  return shrunk.length <= limit ? copy : cutText(json, limit);
}

/** Text cut to `limit` characters, the cut said at its end. */
export function cutText(text: string, limit: number): string {
  const said = note(text.length);
  if (limit <= said.length) return said.slice(0, Math.max(0, limit));
  return text.slice(0, limit - said.length) + said;
}

function note(total: number): string {
  return `\n[Cut: the tool's output was ${total.toLocaleString("en-US")} characters; only the start is shown.]`;
}

interface Found {
  value: string;
  set(next: string): void;
}

function longestString(root: unknown): Found | undefined {
  let best: Found | undefined;
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number) => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === "string") {
      if (!best || value.length > best.value.length)
        best = {
          value,
          set: (next) => {
            (holder as Record<string | number, unknown>)[key] = next;
          },
        };
    } else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(value, i);
    else if (value && typeof value === "object") for (const k of Object.keys(value)) visit(value as Record<string, unknown>, k);
  };
  visit({ root }, "root");
  return best;
}
