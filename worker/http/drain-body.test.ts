import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import app from "../index";
import { DRAIN_LIMIT_BYTES, drainUnreadBody } from "./drain-body";

/** A request body that records how far it was read: to its end, or cancelled. */
function watchedBody(chunkCount: number, chunkBytes = 1024) {
  const seen = { chunksPulled: 0, finished: false, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.chunksPulled === chunkCount) {
        seen.finished = true;
        return controller.close();
      }
      seen.chunksPulled++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { stream, seen };
}

function post(path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request(`http://app.test${path}`, { method: "POST", body, headers });
}

describe("a request body no route reads is read to its end (issue 16: workerd resets the next request's connection otherwise)", () => {
  const routes = new Hono()
    .use(drainUnreadBody)
    .post("/ignores", (c) => c.json({ ok: true }))
    .post("/reads", async (c) => c.json({ length: (await c.req.text()).length }))
    .post("/fails", () => {
      throw new Error("refused before reading");
    });
  routes.onError((_error, c) => c.json({ refused: true }, 400));

  it("a route that ignores its body: the body is read once the response is made", async () => {
    const { stream, seen } = watchedBody(3);
    const response = await routes.fetch(post("/ignores", stream));
    expect(response.status).toBe(200);
    expect(seen).toEqual({ chunksPulled: 3, finished: true, cancelled: false });
  });

  it("a route that refuses before reading: the body is read too", async () => {
    const { stream, seen } = watchedBody(2);
    const response = await routes.fetch(post("/fails", stream));
    expect(response.status).toBe(400);
    expect(seen.finished).toBe(true);
  });

  it("a route that reads its body is left alone", async () => {
    const { stream, seen } = watchedBody(2);
    const response = await routes.fetch(post("/reads", stream));
    expect(await response.json()).toEqual({ length: 2048 });
    expect(seen).toEqual({ chunksPulled: 2, finished: true, cancelled: false });
  });

  it("a body over the limit is cancelled, not read past the limit", async () => {
    const chunks = DRAIN_LIMIT_BYTES / 1024 + 50;
    const { stream, seen } = watchedBody(chunks);
    const response = await routes.fetch(post("/ignores", stream));
    expect(response.status).toBe(200);
    expect(seen.cancelled).toBe(true);
    expect(seen.finished).toBe(false);
    // The stream may pull a chunk ahead of the reader, no more.
    expect(seen.chunksPulled).toBeLessThanOrEqual(DRAIN_LIMIT_BYTES / 1024 + 2);
  });

  it("the app: the passkey sign-in options route, sent {} by the page, has its body read", async () => {
    const { stream, seen } = watchedBody(1, 2);
    const request = post("/api/auth/authentication/options", stream, {
      "content-type": "application/json",
      origin: "http://app.test",
      "cf-connecting-ip": "10.9.8.7",
    });
    const response = await app.fetch(request, env, createExecutionContext());
    expect(response.status).toBe(200);
    expect(seen.finished).toBe(true);
  });
});
