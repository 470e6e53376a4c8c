import { Unzip, UnzipInflate } from "fflate";
import { ARCHIVE_EXTRA_FILES, type ArchiveExtraKind, MAX_EXTRA_FILE_BYTES } from "./archive-extras";
import { BUNDLE_FORMAT, CONVERSATION_FORMAT, type ImportSource, READABLE_VERSIONS } from "./transfer";

/**
 * A file picked for import, read in the browser: ChatGPT's data export as it arrives (a `.zip`
 * holding conversations.json beside chat.html, user.json and the photos and files), its
 * conversations.json alone, this app's archive zip (`GET /api/export`) or one of its JSON exports.
 * Only conversations.json (and, in this app's archive, the small memories, projects and assistants
 * files: ./archive-extras.ts) is unpacked from a zip; every other entry is named in `ignored` and
 * never inflated, so a 20 MB zip of photos costs nothing but its listing. Pure (no DOM), so the Worker's
 * tests run it on generated zips.
 */
export interface ImportFile {
  source: ImportSource;
  /** This app's file version (READABLE_VERSIONS), sent with each batch. */
  version?: number;
  /** The conversations as the file has them; the Worker checks each one. */
  conversations: unknown[];
  /** The zip's other files, by path: not imported. */
  ignored: string[];
  /** Where the conversations came from: the file's name, or the path inside the zip. */
  from: string;
  /** This app's archive: its memories, projects and assistants files as parsed JSON (./archive-extras.ts). */
  extras?: Partial<Record<ArchiveExtraKind, unknown>>;
}

/** The largest conversations.json unpacked here: a browser holds at most about 512 MB of one string. */
export const MAX_UNPACKED_BYTES = 500_000_000;

/**
 * Why the page cannot read a picked file, as the sentence it shows. Not an AppError: this module runs in
 * the browser, and importing contract/errors.ts would ship the whole error catalogue, which names
 * the Worker's secrets, into the data page's chunk (e2e/build.spec.ts forbids that).
 */
export class ImportFileRefused extends Error {
  override name = "ImportFileRefused";
}

const refuse = (detail: string) => new ImportFileRefused(`That file cannot be imported: ${detail}`);

/** The file's bytes as they arrive (`File.stream()`): a zip is read as a stream, so its size does not matter. */
export async function readImportFile(name: string, stream: ReadableStream<Uint8Array>): Promise<ImportFile> {
  const reader = stream.getReader();
  let head: Uint8Array = new Uint8Array(0);
  let done = false;
  while (head.length < 4 && !done) {
    const next = await reader.read();
    done = next.done;
    if (next.value) head = concat(head, next.value);
  }
  const rest = { head, done, reader };
  return isZip(head) ? readZip(rest) : classify(parseJson(await readText(rest, name), name), name, []);
}

type Rest = { head: Uint8Array; done: boolean; reader: ReadableStreamDefaultReader<Uint8Array> };

async function* chunks({ head, done, reader }: Rest): AsyncGenerator<Uint8Array> {
  if (head.length) yield head;
  while (!done) {
    const next = await reader.read();
    done = next.done;
    if (next.value?.length) yield next.value;
  }
}

async function readText(rest: Rest, name: string): Promise<string> {
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for await (const chunk of chunks(rest)) {
    bytes += chunk.length;
    if (bytes > MAX_UNPACKED_BYTES) {
      await rest.reader.cancel();
      throw refuse(`${name} is over ${megabytes(MAX_UNPACKED_BYTES)}; this page reads at most that much.`);
    }
    parts.push(decoder.decode(chunk, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join("");
}

/**
 * Only conversations.json is inflated; fflate skips every other entry's bytes as they stream by,
 * so the photos in a ChatGPT export are never held in memory.
 */
async function readZip(rest: Rest): Promise<ImportFile> {
  const others: string[] = [];
  const found = new Map<string, string[]>();
  let failure: unknown;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  const extras = new Map<ArchiveExtraKind, string[]>();
  unzip.onfile = (entry) => {
    if (entry.name.endsWith("/")) return;
    const extra = EXTRA_BY_PATH.get(entry.name);
    if (extra) {
      // This app's archive: its memories, projects and assistants are small files, read whole.
      const decoder = new TextDecoder();
      const parts: string[] = [];
      let bytes = 0;
      extras.set(extra, parts);
      entry.ondata = (error, chunk, final) => {
        if (!extras.has(extra)) return;
        if (error || (bytes += chunk.length) > MAX_EXTRA_FILE_BYTES) {
          extras.delete(extra);
          others.push(entry.name);
          if (!error) entry.terminate();
        } else parts.push(decoder.decode(chunk, { stream: !final }));
      };
      entry.start();
      return;
    }
    if (!/(^|\/)conversations\.json$/.test(entry.name)) {
      others.push(entry.name);
      return;
    }
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let bytes = 0;
    found.set(entry.name, parts);
    entry.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) failure = error;
      else if ((bytes += chunk.length) > MAX_UNPACKED_BYTES) {
        failure = refuse(`its ${entry.name} is over ${megabytes(MAX_UNPACKED_BYTES)} unpacked; this page reads at most that much.`);
        entry.terminate();
      } else parts.push(decoder.decode(chunk, { stream: !final }));
    };
    entry.start();
  };
  try {
    let previous: Uint8Array | undefined;
    for await (const chunk of chunks(rest)) {
      if (previous) unzip.push(previous);
      if (failure) break;
      previous = chunk;
    }
    unzip.push(previous ?? new Uint8Array(0), true);
  } catch {
    failure ??= refuse("it is not a zip file this page can read (damaged, or compressed in a way it does not know).");
  }
  if (failure) {
    await rest.reader.cancel().catch(() => undefined);
    throw failure instanceof ImportFileRefused
      ? failure
      : refuse("it is not a zip file this page can read (damaged, or compressed in a way it does not know).");
  }
  // ChatGPT's export has it at the top; a zip made by hand may have wrapped it in a folder.
  const candidates = [...found.keys()].sort((a, b) => a.split("/").length - b.split("/").length || a.length - b.length);
  const chosen = candidates[0];
  if (!chosen) throw refuse("the zip holds no conversations.json (ChatGPT's export and this app's archive both have one).");
  const ignored = [...others, ...candidates.slice(1)];
  const data = parseJson(found.get(chosen)!.join(""), chosen);
  // An archive of someone with no conversations yet may still hold memories, projects and assistants.
  const none =
    extras.size > 0 &&
    isObject(data) &&
    data.format === BUNDLE_FORMAT &&
    Array.isArray(data.conversations) &&
    !data.conversations.length &&
    (READABLE_VERSIONS as readonly number[]).includes(data.version as number);
  const file: ImportFile = none
    ? { source: "workers-ai-chat", version: data.version as number, conversations: [], from: chosen, ignored }
    : classify(data, chosen, ignored);
  if (file.source !== "workers-ai-chat" || !extras.size) return file;
  const read: Partial<Record<ArchiveExtraKind, unknown>> = {};
  for (const [kind, parts] of extras) {
    try {
      read[kind] = JSON.parse(parts.join(""));
    } catch {
      file.ignored.push(ARCHIVE_EXTRA_FILES[kind]);
    }
  }
  return { ...file, extras: read };
}

/** The archive's extra files by their path in the zip. */
const EXTRA_BY_PATH = new Map<string, ArchiveExtraKind>(
  Object.entries(ARCHIVE_EXTRA_FILES).map(([kind, path]) => [path, kind as ArchiveExtraKind]),
);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function isZip(bytes: Uint8Array): boolean {
  // A local file header (PK\3\4) or the end record of an empty zip (PK\5\6).
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && bytes[3] === bytes[2] + 1;
}

function parseJson(text: string, from: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw refuse(`${from} is not valid JSON.`);
  }
}

function classify(data: unknown, from: string, ignored: string[]): ImportFile {
  const base = { from, ignored };
  if (Array.isArray(data)) {
    if (data.length === 0) throw refuse(`${from} holds no conversations.`);
    if (data.some(hasMapping)) return { ...base, source: "chatgpt", conversations: data };
  } else if (hasMapping(data)) {
    return { ...base, source: "chatgpt", conversations: [data] };
  } else if (isObject(data) && (data.format === BUNDLE_FORMAT || data.format === CONVERSATION_FORMAT)) {
    const version = data.version;
    if (typeof version !== "number" || !(READABLE_VERSIONS as readonly number[]).includes(version))
      throw refuse(
        `its version ${String(version).slice(0, 20)} is not one this app reads (it reads versions ${READABLE_VERSIONS.join(" and ")}).`,
      );
    if (data.format === CONVERSATION_FORMAT) {
      const { format: _format, version: _version, exportedAt: _exportedAt, ...conversation } = data;
      return { ...base, source: "workers-ai-chat", version, conversations: [conversation] };
    }
    if (!Array.isArray(data.conversations)) throw refuse(`${from} has no list of conversations.`);
    if (data.conversations.length === 0) throw refuse(`${from} holds no conversations.`);
    return { ...base, source: "workers-ai-chat", version, conversations: data.conversations };
  } else if (isObject(data) && typeof data.format === "string") {
    throw refuse(`its format “${data.format.slice(0, 60)}” is not one this app reads.`);
  }
  throw refuse(`${from} is neither a JSON export of this app nor ChatGPT's conversations.json.`);
}

/**
 * The zip's files that were not imported, in a sentence: files at the top by name, folders by count.
 * ChatGPT's zip carries chat.html (the same conversations as a page), user.json and the like, and
 * the photos and files of the conversations; this app's archive its Markdown copies, images and
 * vision threads.
 */
export function describeIgnored(file: Pick<ImportFile, "ignored" | "from" | "source">): string | null {
  if (file.ignored.length === 0) return null;
  const top: string[] = [];
  const folders = new Map<string, number>();
  for (const path of file.ignored) {
    const slash = path.indexOf("/");
    if (slash < 0) top.push(path);
    else folders.set(path.slice(0, slash + 1), (folders.get(path.slice(0, slash + 1)) ?? 0) + 1);
  }
  const named = top.length > 6 ? [...top.slice(0, 5), `${top.length - 5} more files`] : top;
  const items = [...named, ...[...folders].map(([folder, n]) => `${n.toLocaleString("en-US")} file${n === 1 ? "" : "s"} in ${folder}`)];
  const list = items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}` : items[0];
  const why =
    file.source === "chatgpt"
      ? "Photos, files and uploads are not imported: only the conversations' text is."
      : "Images and vision threads are not imported (they stay in the archive); the Markdown files are copies of the same conversations.";
  return `Only ${file.from} was read from the zip. Not imported: ${list}. ${why}`;
}

function hasMapping(value: unknown): boolean {
  return isObject(value) && "mapping" in value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function megabytes(bytes: number): string {
  return `${Math.round(bytes / 1_000_000).toLocaleString("en-US")} MB`;
}
