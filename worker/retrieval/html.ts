/**
 * HTML to Markdown-ish text with workerd's streaming HTMLRewriter: no DOM, no script ever runs, and
 * nothing of the page is kept but its text. Script, style and other non-content elements are
 * dropped with everything inside them; headings become `#` lines and block elements break
 * paragraphs, so the splitter still sees the page's structure.
 */
// None of these is a void element, and script and style always have an explicit end tag. Should a
// hostile page leave one open, only the rest of that page's own text is lost.
const SKIPPED = "script, style, noscript, template, svg, math, title, iframe, object, canvas, select, button";
const BLOCKS =
  "p, div, section, article, main, header, footer, aside, nav, blockquote, pre, ul, ol, table, tr, form, fieldset, figure, figcaption, dl, dt, dd";
const LINES = "li, br, hr, td, th";

export async function htmlToText(html: string): Promise<string> {
  const out: string[] = [];
  let skipping = 0;
  const rewriter = new HTMLRewriter()
    .on(SKIPPED, {
      element(el) {
        skipping++;
        afterEnd(
          el,
          () => void skipping--,
          () => void skipping--,
        );
      },
    })
    .on("h1, h2, h3, h4, h5, h6", {
      element(el) {
        if (skipping) return;
        out.push(`\n\n${"#".repeat(Number(el.tagName.slice(1)))} `);
        afterEnd(el, () => void out.push("\n\n"));
      },
    })
    .on(BLOCKS, {
      element(el) {
        if (skipping) return;
        out.push("\n\n");
        afterEnd(el, () => void out.push("\n\n"));
      },
    })
    .on(LINES, {
      element(el) {
        if (!skipping) out.push(el.tagName === "td" || el.tagName === "th" ? " | " : "\n");
      },
    })
    .onDocument({
      text(chunk) {
        if (!skipping) out.push(chunk.text);
      },
      // Comments and doctype carry nothing a reader sees.
    });
  await rewriter.transform(new Response(html)).arrayBuffer();
  return decodeEntities(out.join(""))
    .replace(/[ \t\f\v\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Runs `then` at the element's end tag; `orNow` at once when it cannot have one (`<br/>`-style). */
function afterEnd(el: Element, then: () => void, orNow?: () => void): void {
  try {
    el.onEndTag(then);
  } catch {
    orNow?.();
  }
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  euro: "€",
  pound: "£",
  yen: "¥",
  times: "×",
  deg: "°",
  copy: "©",
  reg: "®",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
};

/** HTMLRewriter hands text over as written, entities included. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}
