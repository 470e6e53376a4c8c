import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, normalize, resolve } from "node:path";
import { createGzip, gzipSync } from "node:zlib";

/** What Cloudflare's edge compresses (text, scripts, styles, JSON, SVG); images and streams pass as they are. */
const COMPRESSIBLE = /^(text\/(html|css|javascript|plain)|application\/(javascript|json)|image\/svg\+xml)/;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};

/**
 * A gzip-compressing front for `vite preview`, as Cloudflare's edge compresses what a Worker and its
 * static assets answer (preview itself sends everything uncompressed: 433 KB of JavaScript instead of
 * 127 KB). Everything is passed to `upstream` with its headers (the _headers CSP included) and
 * gzipped when the browser accepts it; `staticDirs` maps a path prefix to a folder served the same
 * way (the benchmark's floor pages, which are not part of the app).
 */
export async function startCompressingProxy(options: { upstream: string; staticDirs?: Record<string, string> }) {
  const upstream = new URL(options.upstream);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const prefix = Object.keys(options.staticDirs ?? {}).find((p) => url.pathname.startsWith(p));
    if (prefix) return serveFile(res, options.staticDirs![prefix], url.pathname.slice(prefix.length), gzip);

    const headers = { ...req.headers, host: upstream.host, ...(req.headers.origin ? { origin: upstream.origin } : {}) };
    delete headers["accept-encoding"]; // preview answers identity; this proxy decides about compression
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
      const type = String(up.headers["content-type"] ?? "");
      if (!gzip || up.headers["content-encoding"] || !COMPRESSIBLE.test(type) || req.method === "HEAD") {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const out: IncomingHttpHeaders = { ...up.headers, "content-encoding": "gzip", vary: "accept-encoding" };
      delete out["content-length"];
      delete out.etag; // a compressed body is a different representation
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(createGzip()).pipe(res);
    });
    forward.setNoDelay(true);
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function serveFile(res: ServerResponse, root: string, path: string, gzip: boolean) {
  const file = resolve(root, "." + normalize("/" + path));
  if (!file.startsWith(resolve(root)) || !existsSync(file) || statSync(file).isDirectory()) return res.writeHead(404).end();
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  const body = readFileSync(file);
  if (!gzip || !COMPRESSIBLE.test(type)) return res.writeHead(200, { "content-type": type }).end(body);
  res.writeHead(200, { "content-type": type, "content-encoding": "gzip", vary: "accept-encoding" }).end(gzipSync(body));
}
