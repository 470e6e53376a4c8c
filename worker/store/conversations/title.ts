import type { ChatMessage } from "../../../contract/messages";

const MAX_TITLE = 60;

/** A conversation's first title: the opening words of its first message, cut at a word boundary. */
export function titleFrom(message: ChatMessage | undefined): string {
  const text = (message?.parts ?? [])
    .flatMap((p) => (p.type === "text" ? [p.text] : []))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return "New conversation";
  if (text.length <= MAX_TITLE) return text;
  const cut = text.slice(0, MAX_TITLE);
  const space = cut.lastIndexOf(" ");
  return `${(space > MAX_TITLE / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
