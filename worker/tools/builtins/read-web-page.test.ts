import { describe, expect, it } from "vitest";
import { TOOL_LIMITS } from "../../../contract/tools";
import { readWebPage, readWebPageTool, WEB_PAGE_LIMITS } from "./read-web-page";
import { appFailure } from "../../test/app-failure";

type Route = (init: RequestInit) => Response | Promise<Response>;

/** A stand-in internet: answers by address and records every request the tool made. */
function web(routes: Record<string, Route>) {
  const calls: { url: string; redirect?: string; headers: Headers }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, redirect: init.redirect, headers: new Headers(init.headers) });
    const route = routes[url];
    if (!route) throw new TypeError(`fetch failed: no route for ${url}`);
    return route(init);
  }) as typeof fetch;
  return { fetcher, calls };
}

const html =
  (body: string, type = "text/html; charset=utf-8") =>
  () =>
    new Response(body, { headers: { "content-type": type } });
const redirect =
  (to: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { location: to } });
const deployed = { ALLOW_PRIVATE_OUTBOUND: "false" };

describe("read_web_page", () => {
  it("returns a page's title and readable text, without script, style or markup", async () => {
    const { fetcher, calls } = web({
      "https://example.com/article": html(
        "<html><head><title>Fox &amp; Hound</title><style>p{color:red}</style><script>alert(1)</script></head>" +
          "<body><nav><a href='/'>Home</a></nav><h1>The fox</h1><p>The quick brown fox &mdash; jumps.</p><ul><li>one</li><li>two</li></ul></body></html>",
      ),
    });
    const page = await readWebPage("https://example.com/article", { env: deployed, fetcher });
    expect(page).toMatchObject({ url: "https://example.com/article", title: "Fox & Hound", truncated: false });
    expect(page.text).toContain("# The fox");
    expect(page.text).toContain("The quick brown fox — jumps.");
    expect(page.text).toMatch(/one\s+two/);
    expect(page.text).not.toMatch(/alert|color:red|<p>/);
    // The platform never follows redirects by itself: each hop comes back here to be checked.
    expect(calls[0].redirect).toBe("manual");
  });

  it("reads plain text as it is, in the charset the server names", async () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1
    const { fetcher } = web({
      "http://example.org/notes.txt": () => new Response(latin1, { headers: { "content-type": "text/plain; charset=iso-8859-1" } }),
    });
    expect(await readWebPage("http://example.org/notes.txt", { env: deployed, fetcher })).toMatchObject({ text: "café", title: "" });
  });

  it("follows redirects, checking every hop, and reports where the text came from", async () => {
    const { fetcher, calls } = web({
      "http://example.com/": redirect("https://example.com/", 301),
      "https://example.com/": redirect("/home", 308),
      "https://example.com/home": html("<p>Home page</p>"),
    });
    const page = await readWebPage("http://example.com/", { env: deployed, fetcher });
    expect(page).toMatchObject({ url: "https://example.com/home", text: "Home page" });
    expect(calls.map((c) => c.url)).toEqual(["http://example.com/", "https://example.com/", "https://example.com/home"]);
  });

  it("refuses a redirect to a private or metadata address, without fetching it", async () => {
    const { fetcher, calls } = web({
      "https://example.com/a": redirect("http://127.0.0.1:8787/admin"),
      "https://example.com/b": redirect("http://169.254.169.254/latest/meta-data/"),
      "https://example.com/c": redirect("http://[::ffff:10.0.0.1]/"),
    });
    for (const path of ["a", "b", "c"]) {
      const error = await appFailure(readWebPage(`https://example.com/${path}`, { env: deployed, fetcher }));
      expect(error.code).toBe("address_refused");
    }
    expect(calls.map((c) => c.url)).toEqual(["https://example.com/a", "https://example.com/b", "https://example.com/c"]);
  });

  it("stops after 5 redirects", async () => {
    const routes: Record<string, Route> = {};
    for (let i = 0; i < 7; i++) routes[`https://example.com/${i}`] = redirect(`https://example.com/${i + 1}`);
    routes["https://example.com/7"] = html("<p>too far</p>");
    const { fetcher, calls } = web(routes);
    const error = await appFailure(readWebPage("https://example.com/0", { env: deployed, fetcher }));
    expect(error.message).toMatch(/redirected more than 5 times/);
    expect(calls).toHaveLength(6);
  });

  it("refuses loopback addresses when deployed, and reaches them with ALLOW_PRIVATE_OUTBOUND", async () => {
    const { fetcher, calls } = web({ "http://127.0.0.1:7100/page": html("<p>local page</p>") });
    expect((await appFailure(readWebPage("http://127.0.0.1:7100/page", { env: deployed, fetcher }))).code).toBe("address_refused");
    expect(calls).toHaveLength(0);
    expect(await readWebPage("http://127.0.0.1:7100/page", { env: { ALLOW_PRIVATE_OUTBOUND: "true" }, fetcher })).toMatchObject({
      text: "local page",
    });
  });

  it("reads only HTML and plain text, and says what the address was instead", async () => {
    const { fetcher } = web({
      "https://example.com/photo": () => new Response(new Uint8Array([1, 2, 3]), { headers: { "content-type": "image/png" } }),
      "https://example.com/data": () => new Response("{}", { headers: { "content-type": "application/json" } }),
    });
    expect((await appFailure(readWebPage("https://example.com/photo", { env: deployed, fetcher }))).message).toMatch(
      /is image\/png, not a web page/,
    );
    expect((await appFailure(readWebPage("https://example.com/data", { env: deployed, fetcher }))).message).toMatch(/application\/json/);
  });

  it("says what status an error page answered with", async () => {
    const { fetcher } = web({
      "https://example.com/gone": () =>
        new Response("nope", { status: 404, statusText: "Not Found", headers: { "content-type": "text/html" } }),
    });
    const error = await appFailure(readWebPage("https://example.com/gone", { env: deployed, fetcher }));
    expect(error).toMatchObject({ code: "web_page_failed", message: "https://example.com/gone answered 404 Not Found." });
  });

  it("reads at most 2 MB of an endless page, cutting the stream, and caps the text handed back", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode(`<p>${"word ".repeat(200)}</p>`);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const { fetcher } = web({ "https://example.com/endless": () => new Response(endless, { headers: { "content-type": "text/html" } }) });
    const page = await readWebPage("https://example.com/endless", { env: deployed, fetcher });
    expect(page.truncated).toBe(true);
    expect(page.text.length).toBeLessThanOrEqual(WEB_PAGE_LIMITS.textChars);
    expect(page.text.length).toBeGreaterThan(WEB_PAGE_LIMITS.textChars - 1_000);
    expect(pulled).toBeLessThan(WEB_PAGE_LIMITS.bytes + 64 * 1024);
  });

  it("gives up on a page that does not arrive in time, in words", async () => {
    const { fetcher } = web({
      "https://example.com/slow": (init) =>
        new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true })),
    });
    const started = Date.now();
    const error = await appFailure(readWebPage("https://example.com/slow", { env: deployed, fetcher, timeoutMs: 300 }));
    expect(error.message).toMatch(/took longer than 0.3 s/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(WEB_PAGE_LIMITS.timeoutMs).toBeLessThan(TOOL_LIMITS.timeoutMs);
  });

  it("turns a network failure into a sentence", async () => {
    const { fetcher } = web({});
    const error = await appFailure(readWebPage("https://unreachable.example/", { env: deployed, fetcher }));
    expect(error).toMatchObject({ code: "web_page_failed" });
    expect(error.message).toMatch(/could not be fetched: fetch failed/);
  });

  it("is an AI SDK tool over the same rule", async () => {
    const tool = readWebPageTool({ env: deployed });
    const error = await appFailure(
      Promise.resolve(tool.execute!({ url: "http://localhost:8787/" }, { toolCallId: "t", messages: [], context: undefined })),
    );
    expect(error.code).toBe("address_refused");
  });
});
