import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Fetches a model repository's files from a Hugging Face hub (`{hub}/{repo}/resolve/main/{file}`)
 * into a folder. Files land in `<target>.partial/` first; a file cut off mid-way is resumed with an
 * HTTP Range request next time, and the folder is renamed into place only once every file is
 * complete and the JSON files parse, so an interrupted download (or a captive portal's page) is
 * never taken for a model.
 */
export async function downloadHubModel(opts: {
  hub: string;
  repo: string;
  files: readonly string[];
  target: string;
  signal?: AbortSignal;
  /** Bytes done and expected over all files (expected is 0 until the sizes are known). */
  onProgress?: (done: number, total: number) => void;
}): Promise<void> {
  const partial = `${opts.target}.partial`;
  const urlOf = (file: string) => `${opts.hub.replace(/\/$/, "")}/${opts.repo}/resolve/main/${file}`;
  const sizes = await Promise.all(opts.files.map((file) => sizeOf(urlOf(file), opts.signal)));
  const total = sizes.reduce((n, size) => n + size, 0);
  const done = new Map<string, number>();
  const report = () =>
    opts.onProgress?.(
      [...done.values()].reduce((n, b) => n + b, 0),
      total,
    );
  for (const file of opts.files) done.set(file, await sizeOnDisk(join(partial, file)));
  report();

  for (const [i, file] of opts.files.entries()) {
    const path = join(partial, file);
    if (done.get(file) === sizes[i]) continue;
    await mkdir(dirname(path), { recursive: true });
    await fetchInto(urlOf(file), path, done.get(file)!, opts.signal, (bytes) => {
      done.set(file, bytes);
      report();
    });
    if ((await sizeOnDisk(path)) !== sizes[i])
      throw new Error(`${file} arrived incomplete (${await sizeOnDisk(path)} of ${sizes[i]} bytes)`);
  }
  for (const file of opts.files.filter((f) => f.endsWith(".json"))) {
    try {
      JSON.parse(await readFile(join(partial, file), "utf8"));
    } catch {
      await rm(join(partial, file), { force: true });
      throw new Error(`${file} is not JSON (a sign-in page, perhaps), so it was not kept`);
    }
  }
  await rm(opts.target, { recursive: true, force: true });
  await rename(partial, opts.target);
}

/** The file's size from a HEAD request; a host that cannot be reached is said at once, with why. */
async function sizeOf(url: string, signal?: AbortSignal): Promise<number> {
  const timeout = AbortSignal.timeout(15_000);
  let res: Response;
  try {
    res = await fetch(url, { method: "HEAD", redirect: "follow", signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach it: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  const size = Number(res.headers.get("content-length"));
  if (!Number.isFinite(size) || size <= 0) throw new Error(`${url} did not say how large it is`);
  return size;
}

/** Appends the rest of `url` to `path` from byte `from` (a Range request); starts over if the server ignores the range. */
async function fetchInto(
  url: string,
  path: string,
  from: number,
  signal: AbortSignal | undefined,
  onBytes: (bytes: number) => void,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "follow", signal, headers: from > 0 ? { range: `bytes=${from}-` } : {} });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach it: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} for ${url}`);
  const resumed = from > 0 && res.status === 206;
  let bytes = resumed ? from : 0;
  const counted = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>).map((chunk: Buffer) => {
    bytes += chunk.byteLength;
    onBytes(bytes);
    return chunk;
  });
  try {
    await pipeline(counted, createWriteStream(path, { flags: resumed ? "a" : "w" }), { signal });
  } catch (err) {
    throw new Error(`the download of ${url} broke off after ${bytes} bytes (${(err as Error).message})`);
  }
}

async function sizeOnDisk(path: string): Promise<number> {
  return existsSync(path) ? (await stat(path)).size : 0;
}
