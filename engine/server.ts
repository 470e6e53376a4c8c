import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventEmitter } from "node:events";
import { CODES, EngineError } from "./errors";
import { handleRun, sendError, sendJson } from "./run";
import { TextModelManager } from "./text/manager";
import { chooseTextModel } from "./text/registry";

/**
 * The local inference engine: speaks Cloudflare's Workers AI REST contract on plain node:http so
 * the Worker can use it in place of Cloudflare when offline.
 */

export interface EngineOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  textModelPath?: string;
  cacheDir?: string;
  threads?: number;
  download?: { url?: string } | false;
}

export interface Engine {
  /** Base URL, as Workers AI's `https://api.cloudflare.com/client/v4/accounts/<id>/ai`. */
  url: string;
  /** "child-start", "run-start" and "run-end" from the inference child, for logs and tests. */
  events: EventEmitter;
  close(): Promise<void>;
}

const RUN_PATH = /^\/client\/v4\/accounts\/[^/]+\/ai\/run\/(.+)$/;

export async function startEngine(opts: EngineOptions = {}): Promise<Engine> {
  const text = new TextModelManager(
    chooseTextModel({
      textModelPath: opts.textModelPath,
      cacheDir: opts.cacheDir,
      downloadUrl: opts.download ? opts.download.url : undefined,
    }),
    // The library's default thread count ran 1,000 times slower here on 2 cores: always set it.
    { threads: opts.threads ?? (Number(process.env.LOCAL_ENGINE_THREADS) || 1), download: opts.download !== false },
  );
  const token = process.env.LOCAL_ENGINE_TOKEN;

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? "/", "http://engine");
    if (req.method === "GET" && pathname === "/local/status") return sendJson(res, 200, text.status());
    const run = RUN_PATH.exec(pathname);
    if (req.method !== "POST" || !run) throw new EngineError(CODES.noRoute, 404, "No route for that URI");
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      throw new EngineError(CODES.authentication, 401, "Authentication error");
    }
    await handleRun(req, res, decodeURIComponent(run[1]), text);
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof EngineError) return sendError(res, err);
      console.error("[engine]", err);
      sendError(res, new EngineError(CODES.modelProcessFailed, 500, "The local engine failed to answer."));
    });
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8788, host, resolve);
  });
  text.start();

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/client/v4/accounts/local/ai`,
    events: text.events,
    async close() {
      await text.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
