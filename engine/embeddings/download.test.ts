import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LOCAL_ENGINE_NO_EMBEDDING_MODEL } from "../../contract/local-engine";
import { ensureTestEmbeddingModel } from "./fixtures";
import { createEmbeddingCapability, HUB_FILES, HUB_REPOS } from "./index";

const BGE_SMALL = "@cf/baai/bge-small-en-v1.5";
const REPO = HUB_REPOS[BGE_SMALL];

/**
 * TEST DOUBLE of the Hugging Face hub: serves the generated tiny BERT-layout model (384 wide, like
 * bge-small) at `/{repo}/resolve/main/{file}`, its fp32 graph under the quantized file's name (the
 * name is all the engine looks at), with HEAD sizes and Range requests as the hub answers them.
 * `cutAfter` ends the ONNX file's first GET after that many bytes, as a dropped connection does;
 * `hold` keeps the ONNX body waiting after its first bytes until released; `portal` answers every
 * file with a sign-in page.
 */
async function hubDouble(opts: { cutAfter?: number; hold?: boolean; portal?: boolean } = {}) {
  const dir = await ensureTestEmbeddingModel(384);
  const files = new Map<string, Buffer>(
    HUB_FILES.map((f) => [
      `/${REPO}/resolve/main/${f}`,
      readFileSync(join(dir, f === "onnx/model_quantized.onnx" ? "onnx/model.onnx" : f)),
    ]),
  );
  const requests: { method: string; path: string; range?: string }[] = [];
  let release: () => void = () => {};
  const released = new Promise<void>((r) => (release = r));
  let cut = false;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method!, path: req.url!, range: req.headers.range });
    const body = opts.portal ? Buffer.from("<html>Sign in to the Wi-Fi</html>") : files.get(req.url!);
    if (!body) return res.writeHead(404).end();
    const onnx = req.url!.endsWith(".onnx");
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const from = range ? Number(range[1]) : 0;
    const rest = body.subarray(from);
    res.writeHead(range ? 206 : 200, {
      "content-length": req.method === "HEAD" ? body.length : rest.length,
      ...(range ? { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === "HEAD") return res.end();
    if (onnx && opts.cutAfter !== undefined && !cut) {
      cut = true;
      res.write(rest.subarray(0, opts.cutAfter));
      return setTimeout(() => res.destroy(), 20);
    }
    if (onnx && opts.hold) {
      res.write(rest.subarray(0, 1024));
      await released;
      return res.end(rest.subarray(1024));
    }
    res.end(rest);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    release,
    onnxBytes: files.get(`/${REPO}/resolve/main/onnx/model_quantized.onnx`)!,
  };
}

const servers: Server[] = [];
// A folder configured in the shell running the tests would be used instead of downloading.
beforeEach(() => vi.stubEnv("LOCAL_EMBEDDING_MODEL_DIR", ""));
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

async function engineOf(capability: ReturnType<typeof createEmbeddingCapability>) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await capability.run(BGE_SMALL, JSON.parse(Buffer.concat(chunks).toString()), res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/run`;
  return (text: string[]) => fetch(url, { method: "POST", body: JSON.stringify({ text }) });
}

const tempDir = () => mkdtempSync(join(tmpdir(), "embedding-cache-"));
const modelDir = (cacheDir: string) => join(cacheDir, "embeddings", ...REPO.split("/"));

describe("the local engine downloads the real embedding model on first use (against a hub double)", () => {
  it("downloads the id's model in the hub layout with progress, answers from it, and uses the cache afterwards", async () => {
    const hub = await hubDouble({ hold: true });
    const cacheDir = tempDir();
    const capability = createEmbeddingCapability({ cacheDir, hubUrl: hub.url });
    const embed = await engineOf(capability);
    expect(capability.status()).toMatchObject({ ready: false, problem: expect.stringMatching(/first document embedded downloads/) });

    const answer = embed(["the harbour"]);
    const during = await vi.waitFor(() => {
      const status = capability.status();
      expect(status.downloading?.percent).toBeGreaterThan(0);
      return status;
    });
    expect(during.downloading).toMatchObject({ model: REPO });
    expect(during.downloading!.percent).toBeLessThan(100);
    // Nothing is in place while it downloads: only the partial folder.
    expect(existsSync(modelDir(cacheDir))).toBe(false);
    hub.release();

    const response = await answer;
    expect(response.status).toBe(200);
    expect(response.headers.get("x-local-engine-model")).toBe("bge-small-en-v1.5");
    expect(((await response.json()) as { result: { shape: number[] } }).result.shape).toEqual([1, 384]);
    expect(readdirSync(join(cacheDir, "embeddings", "Xenova"))).toEqual(["bge-small-en-v1.5"]);
    expect(readFileSync(join(modelDir(cacheDir), "onnx/model_quantized.onnx")).equals(hub.onnxBytes)).toBe(true);
    expect(capability.status()).toMatchObject({ ready: true, model: "bge-small-en-v1.5" });

    // A later start finds it in the cache and asks the hub for nothing.
    const asked = hub.requests.length;
    const again = await engineOf(createEmbeddingCapability({ cacheDir, hubUrl: hub.url }));
    expect((await again(["tide"])).status).toBe(200);
    expect(hub.requests.length).toBe(asked);
  });

  it("resumes a broken-off download with a Range request and renames the folder into place only when complete", async () => {
    const hub = await hubDouble({ cutAfter: 4096 });
    const cacheDir = tempDir();
    const embed = await engineOf(createEmbeddingCapability({ cacheDir, hubUrl: hub.url }));

    const broken = await embed(["x"]);
    expect(broken.status).toBe(503);
    const error = ((await broken.json()) as { errors: { code: number; message: string }[] }).errors[0];
    expect(error.code).toBe(LOCAL_ENGINE_NO_EMBEDDING_MODEL);
    expect(error.message).toMatch(
      /Could not download Xenova\/bge-small-en-v1\.5 from http:\/\/127\.0\.0\.1:\d+ \(the download of .* broke off after 4096 bytes/,
    );
    expect(existsSync(modelDir(cacheDir))).toBe(false);
    expect(readFileSync(join(`${modelDir(cacheDir)}.partial`, "onnx/model_quantized.onnx")).length).toBe(4096);

    const resumed = await embed(["x"]);
    expect(resumed.status).toBe(200);
    const onnxGets = hub.requests.filter((r) => r.method === "GET" && r.path.endsWith(".onnx"));
    expect(onnxGets.map((r) => r.range)).toEqual([undefined, "bytes=4096-"]);
    expect(readFileSync(join(modelDir(cacheDir), "onnx/model_quantized.onnx")).equals(hub.onnxBytes)).toBe(true);
    expect(existsSync(`${modelDir(cacheDir)}.partial`)).toBe(false);
  });

  it("says plainly when offline, keeps nothing, and does not try when downloading is off", async () => {
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise((r) => gone.close(r));
    const cacheDir = tempDir();
    const capability = createEmbeddingCapability({ cacheDir, hubUrl: url });
    const response = await (await engineOf(capability))(["x"]);
    expect(response.status).toBe(503);
    const message = ((await response.json()) as { errors: { message: string }[] }).errors[0].message;
    expect(message).toMatch(
      /Could not download Xenova\/bge-small-en-v1\.5 from .*cannot reach it: ECONNREFUSED.*LOCAL_EMBEDDING_MODEL_DIR/,
    );
    expect(capability.status()).toMatchObject({ ready: false, problem: expect.stringMatching(/cannot reach it: ECONNREFUSED/) });
    expect(existsSync(modelDir(cacheDir))).toBe(false);

    const hub = await hubDouble();
    const off = await (await engineOf(createEmbeddingCapability({ cacheDir, hubUrl: hub.url, download: false })))(["x"]);
    expect(off.status).toBe(503);
    expect(((await off.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/downloading is off/);
    expect(hub.requests).toEqual([]);
  });

  it("does not keep a sign-in page for a model", async () => {
    const hub = await hubDouble({ portal: true });
    const cacheDir = tempDir();
    const response = await (await engineOf(createEmbeddingCapability({ cacheDir, hubUrl: hub.url })))(["x"]);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/config\.json is not JSON/);
    expect(existsSync(modelDir(cacheDir))).toBe(false);
  });
});
