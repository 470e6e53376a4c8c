import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createModelDownloader } from "node-llama-cpp";

/**
 * Fetches the text model into the cache with node-llama-cpp's downloader. The file lands in a
 * `.partial` folder first and moves into place only once complete and recognisably GGUF, so an
 * interrupted download is never taken for a model.
 */
export async function downloadTextModel(opts: {
  url: string;
  target: string;
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
}): Promise<void> {
  if (/^https?:/.test(opts.url)) await preflight(opts.url, opts.signal);
  const partialDir = join(dirname(opts.target), ".partial");
  const downloader = await createModelDownloader({
    modelUri: opts.url,
    dirPath: partialDir,
    fileName: basename(opts.target),
    showCliProgress: Boolean(process.stdout.isTTY),
    onProgress: ({ totalSize, downloadedSize }) => opts.onProgress?.(totalSize ? (downloadedSize / totalSize) * 100 : 0),
  });
  const file = await downloader.download({ signal: opts.signal });
  await assertGguf(file);
  await rename(file, opts.target);
  await rm(partialDir, { recursive: true, force: true });
}

/** The downloader retries unreachable hosts for minutes; offline should be said at once. */
async function preflight(url: string, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(15_000);
  let res: Response;
  try {
    res = await fetch(url, { method: "HEAD", signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach it: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
}

async function assertGguf(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    const { buffer } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (buffer.toString("latin1") !== "GGUF") throw new Error(`${basename(path)} is not a GGUF file`);
  } finally {
    await handle.close();
  }
}
