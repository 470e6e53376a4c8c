import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ENGINE_NO_VISION_MODEL } from "../../contract/local-engine";
import { CODES } from "../errors";
import { ensureTestVisionModel } from "./fixtures";
import { createVisionCapability, type EngineCapability } from "./index";

const VISION_MODEL = "@cf/meta/llama-4-scout-17b-16e-instruct";

async function solidPng(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 48, height: 32, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

function chatBody(png: Buffer, extra: Record<string, unknown> = {}) {
  const url = `data:image/png;base64,${png.toString("base64")}`;
  return {
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ],
    max_tokens: 32,
    ...extra,
  };
}

/** A bare HTTP server in front of one capability, as the engine's server will put it. */
async function serve(capability: EngineCapability): Promise<{ server: Server; post: (body: unknown) => Promise<Response> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    await capability.run(VISION_MODEL, JSON.parse(Buffer.concat(chunks).toString()), res, abort.signal);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const post = (body: unknown) => fetch(`http://127.0.0.1:${port}/run`, { method: "POST", body: JSON.stringify(body) });
  return { server, post };
}

describe("local vision capability with the generated tiny model", () => {
  let capability: EngineCapability;
  let http: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    capability = createVisionCapability({ modelDir: await ensureTestVisionModel() });
    http = await serve(capability);
  });
  afterAll(async () => {
    http.server.close();
    await capability.close();
  });

  it("answers only vision models that were given an image", async () => {
    const png = await solidPng(255, 0, 0);
    expect(capability.handles(VISION_MODEL, chatBody(png))).toBe(true);
    expect(capability.handles("@cf/meta/llama-3.2-1b-instruct", chatBody(png))).toBe(false);
    expect(capability.handles(VISION_MODEL, { messages: [{ role: "user", content: "hi" }] })).toBe(false);
  });

  it.each([
    [[255, 0, 0], "a red picture"],
    [[10, 20, 230], "a blue picture"],
    [[0, 180, 20], "a green picture"],
  ] as const)("names the colour of a %j image in a JSON envelope", async ([r, g, b], caption) => {
    const response = await http.post(chatBody(await solidPng(r, g, b)));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-local-engine-model")).toBe("vision-tiny");
    const body = (await response.json()) as any;
    expect(body).toMatchObject({ success: true, errors: [], result: { response: caption } });
    expect(body.result.usage.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(capability.status()).toEqual({ ready: true, model: "vision-tiny" });
  });

  it("streams the caption in Workers AI's SSE format, ending with usage and [DONE]", async () => {
    const response = await http.post(chatBody(await solidPng(200, 0, 0), { stream: true }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    expect(chunks.length).toBeGreaterThan(2); // word by word, not all at once
    expect(
      chunks
        .map((c) => c.response)
        .join("")
        .trim(),
    ).toBe("a red picture");
    expect(chunks.at(-1)).toMatchObject({ response: "", usage: { prompt_tokens: 1 } });
  });

  it("accepts the older top-level `image` byte array", async () => {
    const png = await solidPng(0, 0, 255);
    const response = await http.post({ prompt: "Describe it", image: Array.from(png) });
    expect(((await response.json()) as any).result.response).toBe("a blue picture");
  });

  it("refuses bytes that are not an image with an error envelope", async () => {
    const response = await http.post({ image: Array.from(Buffer.from("not an image at all")) });
    expect(response.status).toBe(500);
    expect((await response.json()) as any).toMatchObject({ result: null, success: false, errors: [{ code: CODES.modelProcessFailed }] });
  });
});

describe("local vision capability without weights", () => {
  it("answers 9903 with HTTP 503 and says how to get a model", async () => {
    const capability = createVisionCapability({ modelDir: "/nonexistent/vision-model" });
    const http = await serve(capability);
    try {
      const response = await http.post(chatBody(await solidPng(255, 0, 0)));
      expect(response.status).toBe(503);
      const body = (await response.json()) as any;
      expect(body).toMatchObject({ result: null, success: false, messages: [], errors: [{ code: LOCAL_ENGINE_NO_VISION_MODEL }] });
      expect(body.errors[0].message).toMatch(/LOCAL_VISION_MODEL_DIR/);
      expect(body.errors[0].message).toMatch(/README/);
      expect(capability.status()).toMatchObject({ ready: false, problem: expect.stringContaining("no config.json") });
    } finally {
      http.server.close();
      await capability.close();
    }
  });
});
