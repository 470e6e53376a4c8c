import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImagePage, ImageRecord } from "../../contract/images-api";
import { findImageModel, imageCost } from "../../contract/image-models";
import app from "../index";
import { TestClient } from "../test/client";
import { bindingError, recordedRun, type RecordedCall } from "../test/recorded-ai";
import { byteStream, formOf, JPEG, JPEG_BASE64, PNG, PNG_BASE64 } from "../test/recorded-images";

const SCHNELL = "@cf/black-forest-labs/flux-1-schnell";
const FLUX2 = "@cf/black-forest-labs/flux-2-klein-4b";
const SDXL = "@cf/stabilityai/stable-diffusion-xl-base-1.0";
const LOCAL_REST = "http://127.0.0.1:8788/client/v4/accounts/local/ai";

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

afterEach(() => vi.restoreAllMocks());

/** The user id inside the client's signed identity cookie, to find its R2 objects. */
function userIdOf(client: TestClient): string {
  return client.userId!;
}

async function generate(client: TestClient, body: Record<string, unknown>) {
  const response = await client.json("/api/images", "POST", body);
  return { response, body: (await response.json()) as any };
}

async function generateOne(client: TestClient, body: Record<string, unknown>): Promise<ImageRecord> {
  const { response, body: json } = await generate(client, body);
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json.results[0].image;
}

async function gallery(client: TestClient, query = ""): Promise<ImagePage> {
  return (await (await client.fetch(`/api/images${query}`)).json()) as ImagePage;
}

async function storedKeys(client: TestClient): Promise<string[]> {
  if (!client.cookie) return [];
  return (await env.MEDIA.list({ prefix: `images/${userIdOf(client)}/` })).objects.map((o) => o.key);
}

describe("POST /api/images: every output shape becomes a stored image", () => {
  it.each([
    ["{image: base64} JPEG (FLUX)", SCHNELL, () => ({ image: JPEG_BASE64 }), JPEG, "image/jpeg", [5, 4]],
    ["{image: base64} PNG", SCHNELL, () => ({ image: PNG_BASE64 }), PNG, "image/png", [3, 2]],
    ["a ReadableStream of PNG (Stable Diffusion)", SDXL, () => byteStream(PNG), PNG, "image/png", [3, 2]],
    ["a ReadableStream of JPEG", SDXL, () => byteStream(JPEG), JPEG, "image/jpeg", [5, 4]],
    ["a Uint8Array", SDXL, () => PNG.slice(), PNG, "image/png", [3, 2]],
    ["an ArrayBuffer", SDXL, () => JPEG.slice().buffer, JPEG, "image/jpeg", [5, 4]],
  ] as const)("%s", async (_, model, answer, bytes, contentType, [width, height]) => {
    useAi(answer);
    const client = new TestClient();
    const image = await generateOne(client, { prompt: "a red fox", model });
    expect(image).toMatchObject({ prompt: "a red fox", model, contentType, width, height, bytes: bytes.length, servedBy: "Workers AI" });
    expect(image.durationMs).toBeGreaterThanOrEqual(0);

    const served = await client.fetch(`/api/images/${image.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe(contentType);
    expect(served.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    const object = await env.MEDIA.get(`images/${userIdOf(client)}/${image.id}`);
    expect(object?.httpMetadata?.contentType).toBe(contentType);
    expect(object?.customMetadata).toMatchObject({ model, prompt: "a red fox" });
    await object?.arrayBuffer();
  });
});

describe("POST /api/images: inputs per model", () => {
  it("sends FLUX.1 schnell its steps, no seed, and records that the image has none", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const image = await generateOne(new TestClient(), { prompt: "lighthouse", steps: 6 });
    expect(fake.calls[0].model).toBe(SCHNELL);
    expect(fake.calls[0].inputs).toEqual({ prompt: "lighthouse", steps: 6 });
    expect(image.seed).toBeNull();
    expect(image.settings).toEqual({ steps: 6 });
  });

  it("sends FLUX.2 a multipart form with prompt, width and height", async () => {
    // Read during the call: the form body belongs to the request that made it.
    let form!: FormData;
    useAi(async (call) => {
      form = await formOf(call.inputs);
      return { image: PNG_BASE64 };
    });
    const image = await generateOne(new TestClient(), { prompt: "a quiet harbour", model: FLUX2, width: 768, height: 512 });
    expect([...form.keys()].sort()).toEqual(["height", "prompt", "width"]);
    expect(form.get("prompt")).toBe("a quiet harbour");
    expect(form.get("width")).toBe("768");
    expect(form.get("height")).toBe("512");
    expect(image.settings).toEqual({ width: 768, height: 512 });
  });

  it("sends Stable Diffusion its names (num_steps, negative_prompt), the catalog defaults and the seed", async () => {
    const fake = useAi(() => byteStream(PNG));
    const image = await generateOne(new TestClient(), { prompt: "castle", model: SDXL, negativePrompt: " fog ", seed: 42, width: 512 });
    expect(fake.calls[0].inputs).toEqual({
      prompt: "castle",
      num_steps: 20,
      width: 512,
      height: 1024,
      guidance: 7.5,
      negative_prompt: "fog",
      seed: 42,
    });
    expect(image).toMatchObject({ seed: 42, settings: { steps: 20, width: 512, height: 1024, guidance: 7.5, negativePrompt: "fog" } });
  });

  it("picks a random seed when none is given, and gives a batch consecutive seeds", async () => {
    const fake = useAi(() => byteStream(PNG));
    const client = new TestClient();
    const { body } = await generate(client, { prompt: "stars", model: SDXL, count: 3 });
    const seeds = body.results.map((r: { image: ImageRecord }) => r.image.seed);
    expect(fake.calls).toHaveLength(3);
    expect(typeof seeds[0]).toBe("number");
    expect(seeds).toEqual([seeds[0], seeds[0] + 1, seeds[0] + 2]);
    expect(fake.calls.map((c) => c.inputs.seed)).toEqual(seeds);
    expect((await gallery(client)).images).toHaveLength(3);
  });
});

describe("POST /api/images: validation names the field", () => {
  it.each([
    [{ prompt: "x", steps: 9 }, "bad_request", /steps: must be a whole number from 1 to 8/],
    [{ prompt: "x", model: SDXL, width: 100 }, "bad_request", /width: must be a whole number from 256 to 2048/],
    [{ prompt: "x", model: "@cf/acme/nope" }, "unknown_model", /no image model called @cf\/acme\/nope/],
    [{ prompt: "x", seed: 7 }, "bad_request", /seed: FLUX.1 \[schnell\] does not accept this setting/],
    [{ prompt: "x", model: FLUX2, steps: 4 }, "bad_request", /steps: FLUX.2 \[klein\] 4B does not accept this setting/],
    [{ prompt: "   " }, "bad_request", /prompt: cannot be empty/],
    [{ prompt: "x", count: 5 }, "bad_request", /count: must be from 1 to 4/],
    [{ prompt: "x", colour: "red" }, "bad_request", /colour/],
  ])("%j → 400 %s", async (body, code, message) => {
    const fake = useAi(() => ({ image: PNG_BASE64 }));
    const { response, body: json } = await generate(new TestClient(), body);
    expect(response.status).toBe(400);
    expect(json.error.code).toBe(code);
    expect(json.error.message).toMatch(message);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("POST /api/images: failures", () => {
  it.each([
    [3040, 503, "capacity", "Capacity temporarily exceeded, please try again."],
    [4006, 429, "daily_allocation", "you have used up your daily free allocation of 10,000 neurons"],
    [3036, 429, "daily_allocation", "daily free allocation used"],
    [5004, 400, "prompt_refused", "Input prompt contains NSFW content"],
  ])("Workers AI error %i → %i %s, and nothing stored", async (workersAiCode, status, code, message) => {
    useAi(() => {
      throw bindingError(workersAiCode, message);
    });
    const client = new TestClient();
    const { response, body } = await generate(client, { prompt: "x", model: SDXL, seed: 1 });
    expect(response.status).toBe(status);
    expect(body.error.code).toBe(code);
    expect((await gallery(client)).images).toEqual([]);
    expect(await storedKeys(client)).toEqual([]);
  });

  it("reports a failed image of a batch on its own, and stores only the others", async () => {
    useAi((call) => {
      if (call.inputs.seed === 11) throw bindingError(3040, "Capacity temporarily exceeded");
      return byteStream(PNG);
    });
    const client = new TestClient();
    const { response, body } = await generate(client, { prompt: "pair", model: SDXL, seed: 10, count: 2 });
    expect(response.status).toBe(200);
    expect(body.results[0].image.seed).toBe(10);
    expect(body.results[1].error).toMatchObject({ code: "capacity" });
    expect((await gallery(client)).images.map((i) => i.seed)).toEqual([10]);
    expect(await storedKeys(client)).toEqual([`images/${userIdOf(client)}/${body.results[0].image.id}`]);
  });

  it("refuses an answer that is not an image", async () => {
    useAi(() => ({ image: btoa("not an image at all") }));
    const client = new TestClient();
    const { response, body } = await generate(client, { prompt: "x" });
    expect(response.status).toBe(502);
    expect(body.error.message).toMatch(/not with a PNG or JPEG/);
    expect(await storedKeys(client)).toEqual([]);
  });
});

describe("gallery, download, ownership, delete", () => {
  it("lists newest first in pages", async () => {
    useAi(() => byteStream(PNG));
    const client = new TestClient();
    const made: string[] = [];
    for (const seed of [1, 2, 3]) made.push((await generateOne(client, { prompt: `p${seed}`, model: SDXL, seed })).id);
    const first = await gallery(client, "?limit=2");
    expect(first.images.map((i) => i.id)).toEqual([made[2], made[1]]);
    expect(first.nextCursor).toBeTruthy();
    const second = await gallery(client, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.images.map((i) => i.id)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await client.fetch("/api/images?cursor=bogus")).status).toBe(400);
  });

  it("downloads with a filename made of the prompt and the seed", async () => {
    useAi(() => byteStream(PNG));
    const client = new TestClient();
    const image = await generateOne(client, { prompt: "A Red Fox, at dawn!", model: SDXL, seed: 1234 });
    const response = await client.fetch(`/api/images/${image.id}?download=1`);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="a-red-fox-at-dawn-1234.png"');
    await response.arrayBuffer();
  });

  it("is reachable by its owner only", async () => {
    useAi(() => byteStream(PNG));
    const owner = new TestClient();
    const image = await generateOne(owner, { prompt: "mine", model: SDXL });
    const other = new TestClient();
    expect((await other.fetch(`/api/images/${image.id}`)).status).toBe(404);
    expect((await other.fetch(`/api/images/${image.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await gallery(other)).images).toEqual([]);
    const still = await owner.fetch(`/api/images/${image.id}`);
    expect(still.status).toBe(200);
    await still.arrayBuffer();
  });

  it("deletes the R2 object and the record", async () => {
    useAi(() => byteStream(PNG));
    const client = new TestClient();
    const image = await generateOne(client, { prompt: "gone soon", model: SDXL });
    expect(await storedKeys(client)).toHaveLength(1);
    expect((await client.fetch(`/api/images/${image.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(`/api/images/${image.id}`)).status).toBe(404);
    expect((await client.fetch(`/api/images/${image.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await gallery(client)).images).toEqual([]);
    expect(await storedKeys(client)).toEqual([]);
  });
});

describe("POST /api/images over the REST contract", () => {
  /** TEST DOUBLE of a Workers AI REST server (or the local engine): records requests, answers as told. */
  async function throughRest(body: Record<string, unknown>, answer: (request: Request) => Response) {
    const requests: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      requests.push(request.clone());
      return answer(request);
    });
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request("http://app.test/api/images", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { ...env, WORKERS_AI_REST_URL: LOCAL_REST },
      ctx,
    );
    const json = (await response.json()) as any;
    await waitOnExecutionContext(ctx);
    return { response, json, requests };
  }

  it("stores a binary PNG answer and says which local model made it", async () => {
    const { response, json, requests } = await throughRest(
      { prompt: "a boat", model: SDXL, seed: 5, width: 256, height: 256 },
      () => new Response(PNG, { headers: { "content-type": "image/png", "x-local-engine-model": "sd-tiny" } }),
    );
    expect(response.status).toBe(200);
    expect(json.results[0].image).toMatchObject({ contentType: "image/png", seed: 5, servedBy: "Local engine · sd-tiny" });
    expect(requests[0].url).toBe(`${LOCAL_REST}/run/${SDXL}`);
    expect(await requests[0].json()).toMatchObject({ prompt: "a boat", seed: 5, width: 256, height: 256 });
  });

  it("sends FLUX.2 multipart over REST and reads the JSON envelope", async () => {
    const { json, requests } = await throughRest({ prompt: "dunes", model: FLUX2, width: 512, height: 512 }, () =>
      Response.json({ result: { image: JPEG_BASE64 }, success: true, errors: [], messages: [] }),
    );
    expect(json.results[0].image).toMatchObject({ contentType: "image/jpeg", width: 5, height: 4 });
    expect(requests[0].headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const form = await requests[0].formData();
    expect(Object.fromEntries(form)).toEqual({ prompt: "dunes", width: "512", height: "512" });
  });

  it("passes on the local engine's own sentence when it has no image weights", async () => {
    const sentence = "The local engine has no image model: put SD-Turbo's ONNX files in a folder and set LOCAL_IMAGE_MODEL_DIR.";
    const { response, json } = await throughRest({ prompt: "x" }, () =>
      Response.json({ result: null, success: false, errors: [{ code: 9902, message: sentence }], messages: [] }, { status: 503 }),
    );
    expect(response.status).toBe(503);
    expect(json.error).toEqual({ code: "engine_no_image_model", message: sentence });
  });
});

describe("POST /api/images: what images cost", () => {
  it("saves each image's price by size and steps and charges only the images that arrived", async () => {
    let n = 0;
    // The second image of the batch is refused (not retried): it made nothing, so it costs nothing.
    useAi(() => (++n === 2 ? Promise.reject(bindingError(5004, "Input prompt contains NSFW content")) : { image: PNG_BASE64 }));
    const client = new TestClient();
    await client.startGuest();
    const { response, body } = await generate(client, { prompt: "a red fox", model: SDXL, width: 512, height: 768, steps: 6, count: 2 });
    expect(response.status).toBe(200);
    const price = imageCost(findImageModel(SDXL)!, { width: 512, height: 768, steps: 6 });
    const made = body.results.filter((r: any) => "image" in r);
    expect(made).toHaveLength(1);
    expect(made[0].image.cost).toEqual({ neurons: price, estimated: true }); // SDXL's price is our stated estimate
    const status = (await (await client.fetch("/api/status")).json()) as any;
    expect(status.budget.used).toBe(price);
  });

  it("refuses a batch whose price does not fit what is left, before calling a model", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const client = new TestClient();
    await client.startGuest();
    const price = imageCost(findImageModel(SCHNELL)!, { steps: 4 });
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request("http://app.test/api/images", {
        method: "POST",
        headers: { cookie: client.cookie!, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "a fox", model: SCHNELL, count: 2 }),
      }),
      { ...env, GUEST_DAILY_NEURONS: String(2 * price - 1) },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(429);
    expect(((await response.json()) as any).error.code).toBe("budget_exhausted");
    expect(fake.calls).toHaveLength(0);
  });
});
