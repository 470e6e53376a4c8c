import { Hono } from "hono";
import type { ConversationDetail } from "../../contract/api";
import { AppError } from "../../contract/errors";
import { readLimited } from "../http/read-limited";
import { IMPORT_LIMITS, type ImportBatchResult, type ImportResult } from "../../contract/transfer";
import type { AppEnv } from "../http/app-types";
import { rateLimit } from "../http/rate-limit";
import { idParam, isJsonMediaType, MAX_JSON_DEPTH, nestingExceeds, readJson } from "../http/validate";
import { userStore } from "../store/stub";
import { archiveStream } from "../transfer/archive";
import { importBatch, importBatchSchema } from "../transfer/batch";
import { conversationExport, conversationMarkdown, fileSlug, type ConversationTreeDump } from "../transfer/export";
import { planImport, summarize } from "../transfer/plan";
import { ImportRefused } from "../transfer/refused";
import { writeImport } from "../transfer/write";
import { restoreArchiveExtras } from "../transfer/restore";
import type { ArchiveRestoreResult } from "../../contract/archive-extras";
import { archiveExtrasSchema, MAX_EXTRAS_BYTES } from "../../contract/archive-extras-schema";
import { payerOf } from "./chat";

/** Export a conversation or everything, and import files (mounted under /api, behind identity). */
export const transfer = new Hono<AppEnv>()
  .get("/conversations/:id/export", async (c) => {
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "markdown") throw new AppError("bad_request", "format must be json or markdown.");
    // Markdown is for reading: the branch on screen. JSON is for importing: every branch.
    const id = idParam(c.req.param("id"), "conversation");
    const store = userStore(c);
    const found = format === "markdown" ? await store.getConversation(id) : await store.conversationTreeWithProject(id);
    if (!found) throw new AppError("not_found", "That conversation does not exist.");
    c.header("content-disposition", `attachment; filename="${fileSlug(found.conversation.title)}.${format === "json" ? "json" : "md"}"`);
    if (format === "markdown")
      return c.body(conversationMarkdown(found as ConversationDetail, { reasoning: c.req.query("reasoning") === "include" }), 200, {
        "content-type": "text/markdown; charset=utf-8",
      });
    return c.body(JSON.stringify(conversationExport(found as ConversationTreeDump, Date.now()), null, 2), 200, {
      "content-type": "application/json; charset=utf-8",
    });
  })
  // Reads everything the person has (and their images from R2): limited like the generating routes.
  .get("/export", rateLimit, (c) => {
    const day = new Date().toISOString().slice(0, 10);
    return c.body(archiveStream(userStore(c), c.env.MEDIA, c.var.userId, Date.now()), 200, {
      "content-type": "application/zip",
      "content-disposition": `attachment; filename="workers-ai-chat-${day}.zip"`,
    });
  })
  // Validate everything, then write: a file with any problem imports nothing.
  .post("/import", rateLimit, async (c) => {
    const data = await readImportFile(c.req.raw);
    const plan = planImport(data);
    const conversations = await writeImport(userStore(c), plan.conversations);
    const result = { conversations, alternativesSkipped: plan.alternativesSkipped, messagesSkipped: plan.messagesSkipped };
    return c.json({ ...result, summary: summarize(result) } satisfies ImportResult, 201);
  })
  // The archive's memories, projects and assistants (the page sends them before the conversations):
  // memories are embedded, a paid call, so this is limited like the other imports.
  .post("/import/archive", rateLimit, async (c) => {
    const extras = await readJson(c, archiveExtrasSchema, MAX_EXTRAS_BYTES);
    return c.json((await restoreArchiveExtras(userStore(c), extras, payerOf(c))) satisfies ArchiveRestoreResult, 200);
  })
  // One batch of a large import (the page reads the file, a ChatGPT zip included, and sends it in
  // batches): each conversation is checked and written on its own, and skipped with a reason if it cannot be.
  .post("/import/batch", rateLimit, async (c) => {
    const data = await readImportFile(
      c.req.raw,
      IMPORT_LIMITS.batchBytes,
      `That batch is too large: one request of an import may be at most ${IMPORT_LIMITS.batchBytes / 1_000_000} MB. Send fewer conversations at a time.`,
    );
    const batch = importBatchSchema.safeParse(data);
    if (!batch.success) {
      const issue = batch.error.issues[0];
      throw new AppError(
        "import_invalid",
        `That batch cannot be imported: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "unexpected content"}.`,
      );
    }
    return c.json((await importBatch(userStore(c), batch.data)) satisfies ImportBatchResult, 200);
  });

/** The file as JSON, within the size and nesting limits, or the sentence saying what is wrong. */
async function readImportFile(
  request: Request,
  maxBytes: number = IMPORT_LIMITS.maxBytes,
  tooLarge = `That file is too large: an import may be at most ${IMPORT_LIMITS.maxBytes / 1_000_000} MB.`,
): Promise<unknown> {
  if (!isJsonMediaType(request.headers.get("content-type") ?? undefined))
    throw new AppError("bad_request", "Send the file as JSON (content-type: application/json).");
  const text = new TextDecoder().decode(
    await readLimited(request.body, request.headers.get("content-length") ?? undefined, maxBytes, tooLarge),
  );
  if (nestingExceeds(text, MAX_JSON_DEPTH)) throw new ImportRefused(`it is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ImportRefused("it is not valid JSON.");
  }
}
