import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../index";
import { newConversationId, readUiStream, TestClient, userMessage } from "../test/client";
import { legacyChunks, recordedRun, sseStream } from "../test/recorded-ai";
import { TINY_PNG } from "../test/vision-images";
import { headersFor } from "./headers-file";
import { API_CSP, PAGE_HEADERS } from "./security";

afterEach(() => vi.restoreAllMocks());

/** What every Worker response must carry, whatever its path, status or body. */
function expectProtected(response: Response, csp: "api" | "page") {
  const h = response.headers;
  const where = `${response.status} ${h.get("content-type")}`;
  expect(h.get("cross-origin-opener-policy"), where).toBe("same-origin");
  expect(h.get("cross-origin-resource-policy"), where).toBe("same-origin");
  expect(h.get("x-content-type-options"), where).toBe("nosniff");
  expect(h.get("x-frame-options"), where).toBe("DENY");
  expect(h.get("referrer-policy"), where).toBe("strict-origin-when-cross-origin");
  const permissions = h.get("permissions-policy") ?? "";
  for (const off of ["camera=()", "geolocation=()", "payment=()", "usb=()"]) expect(permissions, where).toContain(off);
  expect(permissions, where).toContain("clipboard-write=(self)"); // the copy buttons
  expect(permissions, where).toContain("microphone=(self)"); // dictation and voice mode, this origin only
  const policy = h.get("content-security-policy") ?? "";
  if (csp === "api") expect(policy, where).toBe("default-src 'none'; frame-ancestors 'none'");
  else expect(policy, where).toMatch(/^default-src 'self'; script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')?;.*frame-ancestors 'none'$/);
}

describe("security headers on every Worker response", () => {
  it("an unknown API route's 404", async () => {
    const response = await new TestClient().fetch("/api/nope");
    expect(response.status).toBe(404);
    expectProtected(response, "api");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("a 404 outside /api (what reaches the Worker when no asset matches), with the pages' CSP", async () => {
    const response = await new TestClient().fetch("/no-such-file.png");
    expect(response.status).toBe(404);
    expectProtected(response, "page");
  });

  it("an error: a Worker with no SESSION_SECRET answers 500 with them", async () => {
    const response = await app.fetch(
      new Request("http://app.test/api/conversations"),
      { ...env, SESSION_SECRET: "" },
      createExecutionContext(),
    );
    expect(response.status).toBe(500);
    expectProtected(response, "api");
  });

  it("a refused request (413 while reading the body)", async () => {
    const response = await new TestClient().json("/api/images", "POST", { prompt: "p".repeat(2_100_000) });
    expect(response.status).toBe(413);
    expectProtected(response, "api");
  });

  it("an asset-style answer (an image's bytes), keeping the route's own cache policy", async () => {
    const client = new TestClient();
    const uploaded = await client.fetch("/api/vision/images", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: TINY_PNG,
    });
    expectProtected(uploaded, "api");
    const { id } = (await uploaded.json()) as { id: string };
    const bytes = await client.fetch(`/api/vision/images/${id}`);
    expect(bytes.headers.get("content-type")).toBe("image/png");
    expectProtected(bytes, "api");
    expect(bytes.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
  });

  it("a streamed chat answer", async () => {
    vi.spyOn(env.AI, "run").mockImplementation(recordedRun(() => sseStream(legacyChunks(["hi"]))).run as never);
    const response = await new TestClient().chat({ id: newConversationId(), messages: [userMessage("hello")] });
    expect(response.status).toBe(200);
    expectProtected(response, "api");
    await readUiStream(response);
  });
});

describe("one source for the headers", () => {
  it("the Worker's page headers are public/_headers' block for /*, which static assets serve", () => {
    const names = PAGE_HEADERS.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        "content-security-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
        "permissions-policy",
      ]),
    );
    expect(API_CSP).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it("reads one path's block of a _headers file, skipping comments and other paths", () => {
    const file = [
      "# a comment",
      "/assets/*",
      "  Cache-Control: immutable",
      "/*",
      "  X-One: 1",
      "  # not a header",
      "",
      "  X-Two: a: b",
      "/other",
      "  X-Three: 3",
    ].join("\n");
    expect(headersFor(file, "/*")).toEqual([
      ["x-one", "1"],
      ["x-two", "a: b"],
    ]);
    expect(headersFor(file, "/nowhere")).toEqual([]);
  });
});
