import { describe, expect, it } from "vitest";
import { AppError } from "../../contract/errors";
import { fetchOutbound, outboundFetch } from "./outbound-fetch";

interface Seen {
  url: string;
  method: string;
  body: string | null;
  headers: Headers;
}

function server(routes: Record<string, (seen: Seen) => Response>) {
  const seen: Seen[] = [];
  const fetcher = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const body = init.body == null ? null : await new Response(init.body).text();
    const request = { url: String(input), method: init.method ?? "GET", body, headers: new Headers(init.headers) };
    seen.push(request);
    return routes[request.url](request);
  }) as typeof fetch;
  return { fetcher, seen };
}

const to = (location: string, status: number) => () => new Response(null, { status, headers: { location } });
const ok = () => new Response("ok");
const policy = { allowPrivate: false };

describe("fetchOutbound", () => {
  it("drops the bearer token and cookies when a redirect leaves the first origin", async () => {
    const { fetcher, seen } = server({
      "https://mcp.example.com/a": to("https://mcp.example.com/b", 307),
      "https://mcp.example.com/b": to("https://elsewhere.example.net/c", 307),
      "https://elsewhere.example.net/c": ok,
    });
    await fetchOutbound(
      "https://mcp.example.com/a",
      { headers: { authorization: "Bearer secret", cookie: "a=b", "x-other": "kept" } },
      { policy, fetcher },
    );
    expect(seen.map((s) => s.headers.get("authorization"))).toEqual(["Bearer secret", "Bearer secret", null]);
    expect(seen[2].headers.get("cookie")).toBeNull();
    expect(seen[2].headers.get("x-other")).toBe("kept");
  });

  it("turns a POST into a GET without body on 303 (and 301/302), and keeps it on 307/308", async () => {
    const { fetcher, seen } = server({
      "https://example.com/form": to("https://example.com/done", 303),
      "https://example.com/done": ok,
      "https://example.com/rpc": to("https://example.com/rpc2", 308),
      "https://example.com/rpc2": ok,
    });
    await fetchOutbound(
      "https://example.com/form",
      { method: "POST", body: "x=1", headers: { "content-type": "text/plain" } },
      { policy, fetcher },
    );
    expect(seen.map((s) => [s.method, s.body, s.headers.get("content-type")])).toEqual([
      ["POST", "x=1", "text/plain"],
      ["GET", null, null],
    ]);
    await fetchOutbound("https://example.com/rpc", { method: "POST", body: '{"a":1}' }, { policy, fetcher });
    expect(seen.slice(2).map((s) => [s.method, s.body])).toEqual([
      ["POST", '{"a":1}'],
      ["POST", '{"a":1}'],
    ]);
  });

  it("refuses to send a streamed body twice rather than sending an empty one", async () => {
    const { fetcher } = server({ "https://example.com/rpc": to("https://example.com/rpc2", 307) });
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("once"));
        c.close();
      },
    });
    await expect(fetchOutbound("https://example.com/rpc", { method: "POST", body }, { policy, fetcher })).rejects.toThrow(
      /cannot be sent twice/,
    );
  });

  it("a fetch-compatible function for libraries (the MCP transports) under the same rule", async () => {
    const { fetcher, seen } = server({ "https://example.com/x": to("http://192.168.1.1/", 302) });
    const guarded = outboundFetch({ policy, fetcher });
    const refused = await guarded(new Request("https://example.com/x")).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("address_refused");
    await expect(guarded("http://localhost:3000/mcp")).rejects.toThrow(/names this machine/);
    expect(seen).toHaveLength(1);
  });
});
