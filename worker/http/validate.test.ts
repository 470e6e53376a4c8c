import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "../../contract/errors";
import { TestClient } from "../test/client";
import { errorResponse } from "./errors";
import { idParam, MAX_JSON_BYTES, readJson } from "./validate";

afterEach(() => vi.restoreAllMocks());

/** A JSON body of `chunks` × `chunkBytes` that counts how many chunks the reader pulled. */
function countedJson(chunks: number, chunkBytes: number) {
  const counter = { pulls: 0 };
  const filler = new TextEncoder().encode("x".repeat(chunkBytes));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulls === chunks) return controller.close();
      counter.pulls++;
      controller.enqueue(counter.pulls === 1 ? new TextEncoder().encode(`{"prompt":"`) : filler);
    },
  });
  return { stream, counter };
}

/** A route that reads a small JSON body, to test the limit at its edge. */
function echo(maxBytes: number) {
  return new Hono()
    .post("/", async (c) => c.json(await readJson(c, z.object({ text: z.string() }), maxBytes)))
    .onError((error, c) => errorResponse(c, error as AppError));
}

describe("readJson reads with a limit while reading", () => {
  it("refuses a chunked 64 MB body with no content-length as soon as it passes the limit, without reading the rest", async () => {
    const chunkBytes = 256 * 1024;
    const chunks = (64 * 1024 * 1024) / chunkBytes;
    const { stream, counter } = countedJson(chunks, chunkBytes);
    const spy = vi.spyOn(env.AI, "run");
    const response = await new TestClient().fetch("/api/images", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    const error = ((await response.json()) as any).error;
    expect(error).toMatchObject({ code: "too_large", message: "The request body is larger than 2 MB, the most this app accepts." });
    // The limit is 8 chunks; a little read-ahead by the transport is fine, reading all 256 is not.
    expect(counter.pulls).toBeLessThan(16);
    expect(spy).not.toHaveBeenCalled();
  });

  it("does not trust a small content-length: the bytes that arrive are counted", async () => {
    const body = JSON.stringify({ text: "y".repeat(200) });
    const request = new Request("http://app.test/", { method: "POST", headers: { "content-type": "application/json" }, body });
    // Headers of a Request built here can say anything, as a client's can.
    const lying = new Request(request, { headers: { "content-type": "application/json", "content-length": "10" } });
    expect(lying.headers.get("content-length")).toBe("10");
    const response = await echo(100).request(lying);
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).error.message).toBe("The request body is larger than 100 bytes, the most this app accepts.");
  });

  it("takes a body of exactly the limit and refuses one byte more, before parsing it", async () => {
    const exactly = (size: number) => JSON.stringify({ text: "z".repeat(size - 11) });
    expect(exactly(100)).toHaveLength(100);
    const ok = await echo(100).request("/", { method: "POST", headers: { "content-type": "application/json" }, body: exactly(100) });
    expect(ok.status).toBe(200);
    const over = await echo(100).request("/", { method: "POST", headers: { "content-type": "application/json" }, body: exactly(101) });
    expect(over.status).toBe(413);
  });

  it("refuses a declared length over the limit before reading anything", async () => {
    const { stream, counter } = countedJson(4, 16);
    const request = new Request("http://app.test/", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(MAX_JSON_BYTES + 1) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const response = await echo(MAX_JSON_BYTES).request(request);
    expect(response.status).toBe(413);
    expect(counter.pulls).toBeLessThanOrEqual(1);
  });
});

describe("idParam: the one parser of a route's id", () => {
  it("returns a well-formed id as it is", () => {
    expect(idParam("AAAAAAAAAAAAAAAAAAAAAA", "conversation")).toBe("AAAAAAAAAAAAAAAAAAAAAA");
  });

  it.each([["short"], ["../../etc/passwd"], ["has space in it, long enough"], [""], [undefined]])(
    "answers %j with the same 404 as an id nobody has",
    (raw) => {
      const error = (() => {
        try {
          idParam(raw, "vision thread");
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "not_found", status: 404, message: "That vision thread does not exist." });
    },
  );
});
