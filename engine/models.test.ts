import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { clearEngineEnv, json, post, runUrl, statusUrl, waitFor } from "./fixtures/http";
import { encodeTestTextModel, ensureTestTextModel, writeMalformedGguf } from "./fixtures/test-model";
import { startEngine, type Engine } from "./server";
import type { TextStatus } from "./text/manager";

clearEngineEnv();

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "engine-test-"));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
const status = (engine: Engine): Promise<TextStatus> => json(fetch(statusUrl(engine.url)));

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});
async function start(...args: Parameters<typeof startEngine>): Promise<Engine> {
  const engine = await startEngine(...args);
  open.push(engine);
  return engine;
}

/** Serves `bytes` at /tiny-chatml.gguf; `stall` sends half of them and then nothing more. */
async function modelServer(bytes: Buffer, opts: { stall?: boolean; status?: number } = {}) {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    if (opts.status) return void res.writeHead(opts.status).end();
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    if (req.method === "HEAD") res.end();
    else if (opts.stall) res.write(bytes.subarray(0, bytes.length / 2));
    else res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiny-chatml.gguf`;
  return { url, hits: () => hits };
}

describe("the generated test model", () => {
  it("is byte-identical on every run and small", async () => {
    const a = encodeTestTextModel();
    expect(a.equals(encodeTestTextModel())).toBe(true);
    expect(a.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(a.length).toBeLessThan(1024 * 1024);
    const onDisk = readFileSync(await ensureTestTextModel(tempDir()));
    expect(createHash("sha256").update(onDisk).digest("hex")).toBe(createHash("sha256").update(a).digest("hex"));
  });
});

describe("without a usable model", () => {
  const expectNoModel = async (engine: Engine, pattern: RegExp) => {
    const res = await post(runUrl(engine.url), { prompt: "Hi" });
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 9901 }] });
    expect(body.errors[0].message).toMatch(pattern);
  };

  it("says what to do when nothing is set, cached or downloadable", async () => {
    const engine = await start({ port: 0, cacheDir: tempDir(), download: false });
    const s = await status(engine);
    expect(s.ready).toBe(false);
    expect(s.problem).toMatch(/LOCAL_TEXT_MODEL=\/path\/to\/model\.gguf.*npm run dev.*online/);
    await expectNoModel(engine, /LOCAL_TEXT_MODEL/);
  });

  it("says so when LOCAL_TEXT_MODEL names a missing file", async () => {
    const engine = await start({ port: 0, textModelPath: join(tempDir(), "nope.gguf") });
    expect((await status(engine)).problem).toMatch(/nope\.gguf, which does not exist/);
    await expectNoModel(engine, /does not exist/);
  });

  it("survives a malformed GGUF: 9901, a plain problem, and the server keeps answering", async () => {
    const bad = await writeMalformedGguf(join(tempDir(), "broken.gguf"));
    const engine = await start({ port: 0, textModelPath: bad });
    let children = 1;
    engine.events.on("child-start", () => children++);
    await expectNoModel(engine, /Could not load broken\.gguf/);
    const s = await status(engine);
    expect(s).toMatchObject({ ready: false, textModel: "broken.gguf" });
    expect(s.problem).toMatch(/Could not load broken\.gguf.*LOCAL_TEXT_MODEL/);
    // A second request tries again (a fresh child) and fails the same way, without taking the server down.
    await expectNoModel(engine, /Could not load broken\.gguf/);
    expect(children).toBeGreaterThanOrEqual(2);
    expect((await fetch(statusUrl(engine.url))).status).toBe(200);
  });
});

describe("downloading the default model", () => {
  it("downloads into the cache, then loads and answers; the next start uses the cache", async () => {
    const cacheDir = tempDir();
    const origin = await modelServer(encodeTestTextModel());
    const engine = await start({ port: 0, cacheDir, download: { url: origin.url } });
    await waitFor(async () => ((await status(engine)).ready ? true : undefined));
    expect(readdirSync(cacheDir)).toEqual(["tiny-chatml.gguf"]);
    const res = await post(runUrl(engine.url), { prompt: "Hi", max_tokens: 4 });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-local-engine-model")).toBe("tiny-chatml.gguf");
    expect((await json(res)).result.usage.completion_tokens).toBe(4);

    const hits = origin.hits();
    const again = await start({ port: 0, cacheDir, download: { url: origin.url } });
    await waitFor(async () => ((await status(again)).ready ? true : undefined));
    expect(origin.hits()).toBe(hits);
  });

  it("stays up and explains when the download fails", async () => {
    const cacheDir = tempDir();
    const origin = await modelServer(Buffer.alloc(0), { status: 404 });
    const engine = await start({ port: 0, cacheDir, download: { url: origin.url } });
    const s = await waitFor(async () => {
      const current = await status(engine);
      return current.problem ? current : undefined;
    });
    expect(s.ready).toBe(false);
    expect(s.problem).toMatch(/Could not download tiny-chatml\.gguf from http:\/\/127\.0\.0\.1.*LOCAL_TEXT_MODEL=/);
    const res = await post(runUrl(engine.url), { prompt: "Hi" });
    expect(res.status).toBe(503);
    expect((await json(res)).errors[0].code).toBe(9901);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".gguf"))).toEqual([]);
  });

  it("does not keep a download that is not a GGUF file (a captive portal's page, say)", async () => {
    const cacheDir = tempDir();
    const portal = await modelServer(Buffer.from("<html>Sign in to the Wi-Fi</html>"));
    const engine = await start({ port: 0, cacheDir, download: { url: portal.url } });
    const problem = await waitFor(async () => (await status(engine)).problem);
    expect(problem).toMatch(/tiny-chatml\.gguf is not a GGUF file/);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".gguf"))).toEqual([]);
  });

  it("gives up at once when the download host cannot be reached", async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/tiny-chatml.gguf`;
    await new Promise((resolve) => gone.close(resolve));
    const startedAt = Date.now();
    const engine = await start({ port: 0, cacheDir: tempDir(), download: { url } });
    const s = await waitFor(async () => (await status(engine)).problem as string | undefined, 10_000);
    expect(s).toMatch(/cannot reach it: ECONNREFUSED/);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it("never takes an interrupted download for a model", async () => {
    const cacheDir = tempDir();
    const stalled = await modelServer(encodeTestTextModel(), { stall: true });
    const engine = await startEngine({ port: 0, cacheDir, download: { url: stalled.url } });
    const s = await waitFor(async () => {
      const current = await status(engine);
      return (current.downloading?.percent ?? 0) > 0 ? current : undefined;
    });
    expect(s).toMatchObject({ ready: false, textModel: "tiny-chatml.gguf" });
    const busy = await post(runUrl(engine.url), { prompt: "Hi" });
    expect(busy.status).toBe(503);
    expect((await json(busy)).errors[0].message).toMatch(/still downloading tiny-chatml\.gguf \(\d+%\)/);
    await engine.close();

    const offline = await start({ port: 0, cacheDir, download: false });
    expect(await status(offline)).toMatchObject({ ready: false, problem: expect.stringMatching(/no text model/) });

    const online = await modelServer(encodeTestTextModel());
    const resumed = await start({ port: 0, cacheDir, download: { url: online.url } });
    await waitFor(async () => ((await status(resumed)).ready ? true : undefined));
    expect((await post(runUrl(resumed.url), { prompt: "Hi", max_tokens: 2 })).status).toBe(200);
  });
});
