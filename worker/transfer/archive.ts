import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from "fflate";
import type { ImageRecord } from "../../contract/images-api";
import { BUNDLE_FORMAT, FORMAT_VERSION } from "../../contract/transfer";
import type { VisionThreadDetail } from "../../contract/vision-api";
import { mediaKey } from "../images/media";
import { log } from "../log";
import type { UserStoreRpc } from "../store/stub";
import { uploadKey } from "../vision/uploads";
import { conversationMarkdown, exported, fileSlug } from "./export";

/**
 * The caps of one archive. Each image is one R2 read, and a Worker request may make only so many
 * subrequests; past the cap, records are still listed (with `file: null`) and the manifest says how
 * many files were left out and where to get them.
 */
export const ARCHIVE_LIMITS = { maxMediaFiles: 500, maxMediaBytes: 1_000_000_000 } as const;

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif" };

/**
 * Everything a person has, as one zip streamed while it is built (never whole in memory):
 *   manifest.json            what is inside, counts, anything left out
 *   conversations.json       every conversation in the importable JSON format (a bundle)
 *   conversations/*.md       the same, for reading
 *   images/images.json       image records; images/<id>.png|jpg their bytes from R2
 *   vision/threads.json      vision threads; vision/uploads/<id>.<ext> their photos
 *   projects/projects.json   projects: name, instructions, defaults, documents (conversations name theirs)
 *   memory/memories.json     what the assistant remembers about the person, and whether memory is on
 *   assistants/assistants.json  the person's own assistants (the built-ins ship with the app)
 * Text is deflated; images are stored as they are (already compressed).
 */
export function archiveStream(store: UserStoreRpc, media: R2Bucket, userId: string, now: number): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let failed = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) {
      failed = true;
      writer.abort(error).catch(() => undefined);
      return;
    }
    // A reader that went away fails these writes; the next `await writer.ready` then stops the build.
    writer.write(chunk).catch(() => undefined);
    if (final) writer.close().catch(() => undefined);
  });

  const text = async (name: string, content: string) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    entry.push(strToU8(content), true);
    await writer.ready; // backpressure: wait while the reader is behind
  };
  const mediaBudget = { files: 0, bytes: 0, leftOut: 0 };
  const file = async (name: string, key: string, size: number): Promise<string | null> => {
    if (mediaBudget.files >= ARCHIVE_LIMITS.maxMediaFiles || mediaBudget.bytes + size > ARCHIVE_LIMITS.maxMediaBytes) {
      mediaBudget.leftOut++;
      return null;
    }
    const object = await media.get(key);
    if (!object) return null;
    mediaBudget.files++;
    mediaBudget.bytes += object.size;
    const entry = new ZipPassThrough(name);
    zip.add(entry);
    const reader = object.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      entry.push(value);
      await writer.ready;
    }
    entry.push(new Uint8Array(0), true);
    return name;
  };

  const build = async () => {
    // Conversations: one bundle (importable) written entry by entry, and a Markdown file each.
    const ids = await store.conversationIds();
    const bundle = new ZipDeflate("conversations.json", { level: 6 });
    zip.add(bundle);
    bundle.push(strToU8(`{"format":${JSON.stringify(BUNDLE_FORMAT)},"version":${FORMAT_VERSION},"exportedAt":${now},"conversations":[`));
    let conversations = 0;
    for (const id of ids) {
      const tree = await store.conversationTreeWithProject(id);
      if (!tree) continue; // deleted meanwhile
      bundle.push(strToU8(`${conversations ? "," : ""}${JSON.stringify(exported(tree))}`));
      conversations++;
      await writer.ready;
    }
    bundle.push(strToU8("]}"), true);
    // A zip entry is written whole before the next starts, so the Markdown files come in a second
    // pass that reads each conversation again, rather than holding them all in memory meanwhile.
    for (const id of ids) {
      const detail = await store.getConversation(id);
      if (detail) await text(`conversations/${fileSlug(detail.conversation.title)}-${id}.md`, conversationMarkdown(detail));
    }

    const images: (ImageRecord & { file: string | null })[] = [];
    for (let cursor: string | undefined, more = true; more; ) {
      const page = await store.listImages(cursor, 100);
      for (const record of page.images) {
        const name = `images/${record.id}.${EXTENSIONS[record.contentType] ?? "bin"}`;
        images.push({ ...record, file: await file(name, mediaKey(userId, record.id), record.bytes) });
      }
      cursor = page.nextCursor ?? undefined;
      more = page.nextCursor !== null;
    }
    await text("images/images.json", JSON.stringify(images, null, 2));

    const threads: (VisionThreadDetail & { file: string | null })[] = [];
    const uploads = new Map<string, string | null>();
    for (const id of await store.visionThreadIds()) {
      const detail = await store.getVisionThread(id);
      if (!detail) continue;
      const { image } = detail;
      if (!uploads.has(image.id))
        uploads.set(
          image.id,
          await file(`vision/uploads/${image.id}.${EXTENSIONS[image.mediaType] ?? "bin"}`, uploadKey(userId, image.id), image.bytes),
        );
      threads.push({ ...detail, file: uploads.get(image.id) ?? null });
    }
    await text("vision/threads.json", JSON.stringify(threads, null, 2));
    // Every project, the empty ones and their document lists included (each conversation in
    // conversations.json carries its own project too, which is what an import reads).
    const projects = await store.listProjects();
    await text("projects/projects.json", JSON.stringify(projects, null, 2));
    const memory = await store.listMemories();
    await text("memory/memories.json", JSON.stringify({ enabled: memory.enabled, memories: memory.memories }, null, 2));
    const { own: assistants } = await store.listAssistants();
    await text("assistants/assistants.json", JSON.stringify(assistants, null, 2));

    await text(
      "manifest.json",
      JSON.stringify(
        {
          format: "workers-ai-chat/archive",
          version: FORMAT_VERSION,
          exportedAt: now,
          counts: {
            conversations,
            images: images.length,
            visionThreads: threads.length,
            projects: projects.length,
            memories: memory.memories.length,
            assistants: assistants.length,
            mediaFiles: mediaBudget.files,
          },
          ...(mediaBudget.leftOut
            ? {
                leftOut: `${mediaBudget.leftOut} image files were left out: one archive holds at most ${ARCHIVE_LIMITS.maxMediaFiles} files (${ARCHIVE_LIMITS.maxMediaBytes / 1e9} GB). Their records are in images/images.json and vision/threads.json with "file": null; download them from the image studio.`,
              }
            : {}),
          import: "conversations.json can be imported on the app's “Shared links, export and import” page.",
        },
        null,
        2,
      ),
    );
    zip.end();
  };

  build().catch((error: unknown) => {
    log("export.failed", { detail: String(error) });
    // A zip cut short is unreadable, so the download fails visibly rather than looking complete.
    if (!failed) writer.abort(error).catch(() => undefined);
  });
  return readable;
}
