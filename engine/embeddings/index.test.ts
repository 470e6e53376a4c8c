import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ENGINE_NO_EMBEDDING_MODEL } from "../../contract/local-engine";
import { ensureTestEmbeddingModel } from "./fixtures";
import { createEmbeddingCapability } from "./index";

const BGE_SMALL = "@cf/baai/bge-small-en-v1.5";

async function serve(capability: ReturnType<typeof createEmbeddingCapability>, model: string) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await capability.run(model, JSON.parse(Buffer.concat(chunks).toString()), res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { server, post: (body: unknown) => fetch(`http://127.0.0.1:${port}/run`, { method: "POST", body: JSON.stringify(body) }) };
}

const dot = (a: number[], b: number[]) => a.reduce((n, x, i) => n + x * b[i], 0);

describe("local embedding capability with the generated tiny BERT-layout model", () => {
  let http: { server: Server; post: (body: unknown) => Promise<Response> };

  beforeAll(async () => {
    http = await serve(createEmbeddingCapability({ modelDir: await ensureTestEmbeddingModel(384) }), BGE_SMALL);
  });
  afterAll(() => new Promise<void>((r) => http.server.close(() => r())));

  it("answers Workers AI's { shape, data } with normalised vectors of the model's width, one per text", async () => {
    const response = await http.post({ text: ["the harbour", "the harbour", "zzz 999"] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { success: boolean; result: { shape: number[]; data: number[][] } };
    expect(body.success).toBe(true);
    expect(body.result.shape).toEqual([3, 384]);
    const [a, b, c] = body.result.data;
    expect(dot(a, a)).toBeCloseTo(1, 4);
    // Same text, same vector; a different text, a different vector (the model is noise, not meaning).
    expect(dot(a, b)).toBeCloseTo(1, 4);
    expect(dot(a, c)).toBeLessThan(0.99);
  });

  it("takes a single string too, and refuses anything else in Workers AI's error envelope", async () => {
    const one = (await (await http.post({ text: "hello" })).json()) as { result: { shape: number[] } };
    expect(one.result.shape).toEqual([1, 384]);
    const bad = await http.post({ text: [1, 2] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { success: boolean }).success).toBe(false);
  });

  it("refuses a model id whose width the local model does not have", async () => {
    const other = await serve(createEmbeddingCapability({ modelDir: await ensureTestEmbeddingModel(384) }), "@cf/baai/bge-base-en-v1.5");
    const response = await other.post({ text: ["x"] });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/makes 384-number vectors/);
    await new Promise<void>((r) => other.server.close(() => r()));
  });
});

describe("local embedding capability without a model", () => {
  it("says what to do, with code 9904 and HTTP 503", async () => {
    const capability = createEmbeddingCapability({ modelDir: "/nonexistent/bge" });
    expect(capability.status().ready).toBe(false);
    const http = await serve(capability, BGE_SMALL);
    const response = await http.post({ text: ["x"] });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: { code: number; message: string }[] };
    expect(body.errors[0].code).toBe(LOCAL_ENGINE_NO_EMBEDDING_MODEL);
    expect(body.errors[0].message).toMatch(/LOCAL_EMBEDDING_MODEL_DIR/);
    await new Promise<void>((r) => http.server.close(() => r()));
  });
});
