import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestImageModels } from "./fixtures";
import { createImageCapability, type EngineCapability } from "./index";
import { MODEL_FILES } from "./pipeline";

const SDXL = "@cf/stabilityai/stable-diffusion-xl-base-1.0";
const FLUX2 = "@cf/black-forest-labs/flux-2-dev";
const SCHNELL = "@cf/black-forest-labs/flux-1-schnell";

/** TEST HARNESS: the engine server's run route in miniature, so the capability answers real HTTP. */
async function serve(capability: EngineCapability): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const model = decodeURIComponent(req.url!.replace(/^\/run\//, ""));
    await capability.run(model, { contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks) }, res, abort.signal);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("image capability with the generated models", () => {
  let capability: EngineCapability;
  let base: string;
  let server: Server;
  beforeAll(async () => {
    capability = createImageCapability({ modelDir: await ensureTestImageModels() });
    ({ url: base, server } = await serve(capability));
  });
  afterAll(async () => {
    server.close();
    await capability.close();
  });

  it("stands in for every catalog image model and nothing else", () => {
    expect(capability.handles(SDXL)).toBe(true);
    expect(capability.handles("@cf/meta/llama-3.2-1b-instruct")).toBe(false);
    expect(capability.status()).toEqual({ ready: true, model: "sd-tiny" });
  });

  it("answers Stable Diffusion ids with raw PNG bytes, the same for the same seed", async () => {
    const run = () => fetch(`${base}/run/${SDXL}`, json({ prompt: "a red fox", seed: 3, width: 256, height: 320, num_steps: 20 }));
    const first = await run();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/png");
    expect(first.headers.get("x-local-engine-model")).toBe("sd-tiny");
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: "png", width: 256, height: 320 });
    expect(Buffer.from(await (await run()).arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("answers FLUX.2 multipart with the JSON envelope {result: {image: base64}}", async () => {
    const form = new FormData();
    form.append("prompt", "dunes");
    form.append("width", "256");
    form.append("height", "256");
    const response = await fetch(`${base}/run/${FLUX2}`, { method: "POST", body: form });
    const body = (await response.json()) as { result: { image: string }; success: boolean; errors: unknown[] };
    expect(response.headers.get("x-local-engine-model")).toBe("sd-tiny");
    expect(body).toMatchObject({ success: true, errors: [] });
    expect(await sharp(Buffer.from(body.result.image, "base64")).metadata()).toMatchObject({ format: "png", width: 256, height: 256 });
  });

  it("answers FLUX.1 schnell's JSON with the envelope at SD-Turbo's native size", async () => {
    const body = (await (await fetch(`${base}/run/${SCHNELL}`, json({ prompt: "a lighthouse", steps: 2 }))).json()) as {
      result: { image: string };
    };
    expect(await sharp(Buffer.from(body.result.image, "base64")).metadata()).toMatchObject({ width: 512, height: 512 });
  });

  it.each([
    [SDXL, { prompt: "x", num_steps: 99 }, 400, 5004, /num_steps.*from 1 to 20/],
    [SDXL, { prompt: "x", width: 100 }, 400, 5004, /width/],
    [SDXL, { seed: 1 }, 400, 3003, /prompt/],
    [FLUX2, { prompt: "x" }, 400, 5004, /multipart/],
    ["@cf/acme/nope", { prompt: "x" }, 400, 5007, /No such model/],
  ])("%s %j → %i with code %i", async (model, input, status, code, message) => {
    const response = await fetch(`${base}/run/${model}`, json(input));
    expect(response.status).toBe(status);
    const body = (await response.json()) as { success: boolean; errors: { code: number; message: string }[] };
    expect(body.success).toBe(false);
    expect(body.errors[0].code).toBe(code);
    expect(body.errors[0].message).toMatch(message);
  });

  it("keeps answering after a request is aborted", async () => {
    await fetch(`${base}/run/${SDXL}`, { ...json({ prompt: "x", seed: 1 }), signal: AbortSignal.timeout(5) }).catch(() => {});
    const next = await fetch(`${base}/run/${SDXL}`, json({ prompt: "x", seed: 1, width: 256, height: 256 }));
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });
});

describe("image capability without usable weights", () => {
  it.each([
    ["no folder configured", undefined],
    ["a folder without the model files", join(tmpdir(), "no-such-sd-turbo-folder")],
  ])("answers 9902 and says how to get them: %s", async (_, modelDir) => {
    const saved = process.env.LOCAL_IMAGE_MODEL_DIR;
    delete process.env.LOCAL_IMAGE_MODEL_DIR;
    const capability = createImageCapability({ modelDir });
    const { url, server } = await serve(capability);
    try {
      expect(capability.status()).toMatchObject({ ready: false, problem: expect.stringContaining("LOCAL_IMAGE_MODEL_DIR") });
      const response = await fetch(`${url}/run/${SDXL}`, json({ prompt: "x" }));
      expect(response.status).toBe(503);
      const body = (await response.json()) as { errors: { code: number; message: string }[] };
      expect(body.errors[0].code).toBe(9902);
      expect(body.errors[0].message).toMatch(/LOCAL_IMAGE_MODEL_DIR.*README/);
    } finally {
      server.close();
      await capability.close();
      if (saved !== undefined) process.env.LOCAL_IMAGE_MODEL_DIR = saved;
    }
  });

  it("survives model files onnxruntime cannot load, and says which folder", async () => {
    const dir = join(tmpdir(), `broken-sd-${process.pid}`);
    for (const file of MODEL_FILES) {
      await mkdir(join(dir, file, ".."), { recursive: true });
      await writeFile(join(dir, file), file.endsWith(".json") ? "{}" : "not a model");
    }
    const capability = createImageCapability({ modelDir: dir });
    const { url, server } = await serve(capability);
    try {
      const body = (await (await fetch(`${url}/run/${SDXL}`, json({ prompt: "x" }))).json()) as {
        errors: { code: number; message: string }[];
      };
      expect(body.errors[0]).toMatchObject({ code: 9902, message: expect.stringContaining(`Could not load the image model in ${dir}`) });
      expect(capability.status()).toMatchObject({ ready: false });
    } finally {
      server.close();
      await capability.close();
    }
  });
});
