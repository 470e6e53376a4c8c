import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { setScript } from "./support/fake-control";

// Model output is untrusted: a prompt injection can make a model write anything. The fake Workers AI
// (TEST DOUBLE) streams each payload as an assistant answer into the real chat page. Nothing may run:
//  - every payload calls window.__xssHit(n) (or alert) if it ever executes; hits and dialogs are counted;
//  - a MutationObserver records any dangerous node or attribute the page creates at any moment,
//    mid-stream included (half-parsed markdown is a classic hole);
//  - the finished log is scanned for scripts, frames, on* attributes and javascript:/data:/vbscript: URLs.
// CSP is bypassed (bypassCSP contexts) so that these checks test the renderer itself, not the page's
// second net.

const PAYLOADS: string[] = [
  `<script>__xssHit(1)</script>`,
  `<img src=x onerror="__xssHit(2)">`,
  `[click me](javascript:__xssHit(3))`,
  `[click me](JaVaScRiPt:__xssHit(4))`,
  `[click me](<javascript:__xssHit(5)>)`,
  `[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3NIaXQoNik8L3NjcmlwdD4=)`,
  `[vb link](vbscript:msgbox(7))`,
  `<a href="javascript:__xssHit(8)">html link</a>`,
  `<a href=" javascript:__xssHit(9)">spaced link</a>`,
  `<a href="jav&#x09;ascript:__xssHit(10)">tab entity link</a>`,
  `[entity link](jav&#x61;script:__xssHit(11))`,
  `[encoded link](java%0ascript:__xssHit(12))`,
  `<svg onload="__xssHit(13)"><circle r="10"/></svg>`,
  `<svg><script>__xssHit(14)</script></svg>`,
  `<iframe srcdoc="<script>parent.__xssHit(15)</script>"></iframe>`,
  `<iframe src="javascript:parent.__xssHit(16)"></iframe>`,
  `![image](javascript:__xssHit(17))`,
  `![svg image](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iX194c3NIaXQoMTgpIi8+)`,
  `See [the docs][ref].\n\n[ref]: javascript:__xssHit(19)`,
  `![logo][img]\n\n[img]: javascript:__xssHit(20)`,
  `<details open ontoggle="__xssHit(21)"><summary>x</summary>y</details>`,
  `<body onload="__xssHit(22)">`,
  `<div style="background:url(javascript:__xssHit(23))">styled</div>`,
  `<style>*{background:url("javascript:__xssHit(24)")} body{display:none}</style>`,
  `<object data="javascript:__xssHit(25)"></object>`,
  `<embed src="javascript:__xssHit(26)">`,
  `<form action="javascript:__xssHit(27)"><button formaction="javascript:__xssHit(27)">go</button></form>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=__xssHit(28)>`,
  `<noscript><p title="</noscript><img src=x onerror=__xssHit(29)>">`,
  "`<img src=x onerror=__xssHit(30)>` in inline code",
  "```html\n<script>__xssHit(31)</script>\n<img src=x onerror=__xssHit(31)>\n```",
  `<a href="data:text/html,<script>__xssHit(32)</script>">data html link</a>`,
  `<<script>script>__xssHit(33)<</script>/script>`,
  `<img src="x" onerror="&#95;&#95;xssHit(34)">`,
  `[colon entity](javascript&colon;__xssHit(35))`,
  `<input autofocus onfocus="__xssHit(36)">`,
  `<video><source onerror="__xssHit(37)"></video>`,
  `<a href="#" onclick="__xssHit(38)">click me too</a>`,
  `<meta http-equiv="refresh" content="0;url=javascript:__xssHit(39)">`,
  `<base href="javascript:__xssHit(40)//">[relative](x)`,
  `$$\\href{javascript:__xssHit(41)}{math link}$$`,
  `<img src=x onerror=alert(42)>`,
  `[alert link](javascript:alert(43))`,
  `| a | b |\n|---|---|\n| <img src=x onerror=__xssHit(44)> | [t](javascript:__xssHit(44)) |`,
  `> quote <a href="javascript:__xssHit(45)">in a quote</a>`,
  `<a href="vbscript:msgbox(46)">vb html</a> <a href="&#106;avascript:__xssHit(46)">decimal entity</a>`,
  `<scr<script>ipt>__xssHit(47)</scr</script>ipt>`,
  `<svg><a xlink:href="javascript:__xssHit(48)"><text y="20">svg link</text></a></svg>`,
  `<img src="javascript:__xssHit(49)"><img srcset="javascript:__xssHit(49) 1x">`,
  `<link rel="stylesheet" href="javascript:__xssHit(50)"><link rel="import" href="data:text/html,<script>__xssHit(50)</script>">`,
];

/** Installed before any page script: execution traps and a recorder of dangerous DOM. */
function installTraps() {
  const w = window as unknown as { __xssHits: number[]; __xssHit: (n: number) => void; __xssDom: string[] };
  w.__xssHits = [];
  w.__xssHit = (n: number) => void w.__xssHits.push(n);
  w.__xssDom = [];
  const badUrl =
    /^[\s\u0000-\u001f]*(?:j[\s\u0000-\u001f]*a[\s\u0000-\u001f]*v[\s\u0000-\u001f]*a[\s\u0000-\u001f]*s[\s\u0000-\u001f]*c[\s\u0000-\u001f]*r[\s\u0000-\u001f]*i[\s\u0000-\u001f]*p[\s\u0000-\u001f]*t|data|vbscript)[\s\u0000-\u001f]*:/i;
  const badTags = new Set(["SCRIPT", "IFRAME", "FRAME", "OBJECT", "EMBED", "BASE", "META", "FORM", "LINK", "STYLE"]);
  const urlAttrs = ["href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"];
  const check = (el: Element) => {
    // Inside the message log only: the app's own script tag and composer form live elsewhere.
    if (!el.isConnected || !el.closest('[role="log"]')) return;
    const what = `${el.tagName.toLowerCase()}`;
    if (badTags.has(el.tagName.toUpperCase())) w.__xssDom.push(`<${what}>: ${el.outerHTML.slice(0, 120)}`);
    for (const attr of Array.from(el.attributes)) {
      if (/^on/i.test(attr.name)) w.__xssDom.push(`${what}[${attr.name}]`);
      if (urlAttrs.includes(attr.name.toLowerCase()) && badUrl.test(attr.value))
        w.__xssDom.push(`${what}[${attr.name}=${attr.value.slice(0, 60)}]`);
      if (attr.name.toLowerCase() === "style" && /url\s*\(|expression\s*\(/i.test(attr.value))
        w.__xssDom.push(`${what}[style=${attr.value.slice(0, 60)}]`);
    }
  };
  const scan = (node: Node) => {
    if (!(node instanceof Element)) return;
    check(node);
    node.querySelectorAll("*").forEach(check);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "attributes") scan(r.target);
      r.addedNodes.forEach(scan);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** What the rendered log holds now that could run or leak. */
async function dangerousNodes(page: Page): Promise<string[]> {
  return page.getByRole("log", { name: "Messages" }).evaluate((log) => {
    const found: string[] = [];
    const badUrl = /^[\s\u0000-\u001f]*(?:javascript|data|vbscript)[\s\u0000-\u001f]*:/i;
    log
      .querySelectorAll("script, iframe, frame, object, embed, base, meta, form, link, style")
      .forEach((el) => found.push(`<${el.tagName.toLowerCase()}>`));
    log.querySelectorAll("*").forEach((el) => {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) found.push(`${el.tagName.toLowerCase()}[${attr.name}]`);
        if (
          ["href", "src", "srcset", "action", "formaction", "xlink:href", "data", "srcdoc"].includes(attr.name.toLowerCase()) &&
          badUrl.test(attr.value.replace(/[\s\u0000-\u001f]/g, ""))
        ) {
          found.push(`${el.tagName.toLowerCase()}[${attr.name}=${attr.value.slice(0, 60)}]`);
        }
      }
    });
    // Every link left must be one the renderer allows.
    log.querySelectorAll("a[href]").forEach((a) => {
      const href = a.getAttribute("href")!.trim();
      if (!/^(https?:|mailto:|#)/i.test(href)) found.push(`a[href=${href.slice(0, 60)}]`);
    });
    return found;
  });
}

/** The per-user rate limit is 30 answers a minute, so each identity (browser context) renders this many. */
const PER_IDENTITY = 24;

test("chat: no payload in a streamed answer executes or leaves anything dangerous in the page", async ({ browser }) => {
  test.setTimeout(300_000);
  let tried = 0;
  const results: Awaited<ReturnType<typeof report>>[] = [];
  const dialogs: string[] = [];
  for (let offset = 0; offset < PAYLOADS.length; offset += PER_IDENTITY) {
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const page = await context.newPage();
      page.on("dialog", (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await page.addInitScript(installTraps);
      const batch = PAYLOADS.slice(offset, offset + PER_IDENTITY);
      const chat = new ChatPage(page);
      await chat.goto("/");
      await proveTrapsWork(page);
      for (const [j, payload] of batch.entries()) {
        const n = offset + j + 1;
        // Streamed in 4-character pieces, so every half-written state of the payload is rendered too.
        await setScript({ text: `Payload ${n}:\n\n${payload}\n\nend of payload ${n}`, tokensPerSecond: 400 });
        await chat.send(`xss payload ${n}`);
        await expect(chat.assistantMessages).toHaveCount(j + 1);
        await chat.waitForAnswer();
        await expect(chat.lastAnswer()).toContainText(`end of payload ${n}`);
        await expect(page.getByRole("alert")).toHaveCount(0);
        tried++;
      }

      // Interact the way a person would: click every link and click-handler-looking thing in the answers.
      const clickable = chat.log.locator("a, [onclick]");
      for (let i = 0; i < (await clickable.count()); i++) {
        const el = clickable.nth(i);
        const href = (await el.getAttribute("href")) ?? "";
        if (/^https?:|^mailto:/i.test(href)) continue; // safe, and would leave the page
        await el.click({ timeout: 2_000, noWaitAfter: true }).catch(() => {});
      }
      await page.waitForTimeout(500); // let any autofocus, refresh or onload have its moment
      results.push(await report(page));

      // Stored answers render again after a reload, without streaming.
      await page.reload();
      await expect(chat.assistantMessages).toHaveCount(batch.length);
      await expect(chat.lastAnswer()).toContainText(`end of payload ${offset + batch.length}`);
      await page.waitForTimeout(500);
      results.push(await report(page));
      // The page is intact: no payload hid it or took it over.
      await expect(chat.composer).toBeVisible();
      await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
    } finally {
      await context.close();
    }
  }

  const hits = [...new Set(results.flatMap((r) => r.hits))];
  const executed = hits.length + dialogs.length;
  test.info().annotations.push({ type: "xss", description: JSON.stringify({ tried, executed }) });
  console.log(`chat page: XSS payloads tried: ${tried}, executed: ${executed}`);

  expect(tried).toBe(PAYLOADS.length);
  expect(hits, "payloads that ran (streamed or after a reload)").toEqual([]);
  expect(dialogs, "dialogs opened").toEqual([]);
  expect([...new Set(results.flatMap((r) => r.dom))], "dangerous DOM created at any moment").toEqual([]);
  expect([...new Set(results.flatMap((r) => r.log))], "dangerous nodes in the rendered log").toEqual([]);
});

/** The traps catch what they must: a handler planted in the log by hand runs and is recorded, then removed. */
async function proveTrapsWork(page: Page) {
  await page.getByRole("log", { name: "Messages" }).evaluate((log) => {
    const img = document.createElement("img");
    img.setAttribute("onerror", "__xssHit(0)");
    img.src = "data:,not-an-image";
    img.id = "trap-self-test";
    log.append(img);
  });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __xssHits: number[] }).__xssHits)).toEqual([0]);
  expect((await report(page)).dom.join(" ")).toMatch(/img\[onerror\]/);
  expect((await report(page)).log.join(" ")).toMatch(/img\[onerror\]/);
  await page.evaluate(() => {
    document.getElementById("trap-self-test")!.remove();
    const w = window as unknown as { __xssHits: number[]; __xssDom: string[] };
    w.__xssHits.length = 0;
    w.__xssDom.length = 0;
  });
}

async function report(page: Page) {
  const { hits, dom } = await page.evaluate(() => {
    const w = window as unknown as { __xssHits: number[]; __xssDom: string[] };
    return { hits: [...w.__xssHits], dom: [...new Set(w.__xssDom)] };
  });
  return { hits, dom, log: await dangerousNodes(page) };
}
