import { Hono, type Context } from "hono";
import { idSchema } from "../../contract/id-schema";
import { AppError } from "../../contract/errors";
import { attachDocumentSchema, DOCUMENT_LIMITS } from "../../contract/documents";
import type { AppEnv } from "../http/app-types";
import { randomId } from "../../contract/ids";
import { idParam, parseWith, readJson } from "../http/validate";
import { extractDocument } from "../retrieval/extract";
import { documentKey } from "../retrieval/library";
import { splitBlocks } from "../retrieval/split";
import { userStore } from "../store/stub";
import { readLimited } from "../http/read-limited";
import { requestPayer } from "../spend/request-payer";

/** Room for multipart boundaries and part headers around the file itself. */
const MULTIPART_OVERHEAD = 16 * 1024;
const TOO_LARGE = `The file is larger than ${DOCUMENT_LIMITS.maxBytes / 1024 / 1024} MB. Attach a smaller one.`;

export { documentKey };

/**
 * Documents: upload (read and split at once, so a bad file is a clear 4xx; embedded in the
 * background by the person's Durable Object, whose status the page polls), list, status, delete
 * (original, passages and vectors), and attach to a conversation. Every id is looked up in the
 * caller's own store: another person's document is simply not found.
 */
export const documents = new Hono<AppEnv>()
  .post("/", async (c) => {
    const { file, name, conversationId } = await readUploadForm(c.req.raw);
    const store = userStore(c);
    if ((await store.countDocuments()) >= DOCUMENT_LIMITS.maxDocuments) {
      throw new AppError(
        "too_many_documents",
        `You have ${DOCUMENT_LIMITS.maxDocuments} documents, the most one person can keep. Delete some on the Documents page first.`,
      );
    }
    // Before the work of reading it: the file alone must fit the byte budget (its passages add more, counted below).
    await store.checkStorageRoom("This document", file.byteLength);
    const extracted = await extractDocument(file, name);
    const passages = splitBlocks(extracted.blocks);
    if (!passages.length)
      throw new AppError(
        "unreadable_document",
        `${name} has no text to search${extracted.kind === "pdf" ? " (a scanned PDF holds pictures of text, which this app cannot read)" : ""}.`,
      );

    const id = randomId();
    // The rows first, counted against the byte budget in the store's transaction: a document that
    // does not fit is refused there, before anything of it is stored. Then the original; should that
    // write fail, the rows go again, so a document is never half kept.
    const record = await store.addDocument(
      { id, name, kind: extracted.kind, bytes: file.byteLength, pages: extracted.pages, namespace: c.var.userId },
      passages,
      requestPayer(c),
    );
    const key = documentKey(c.var.userId, id);
    try {
      await c.env.MEDIA.put(key, file, { customMetadata: { name } });
    } catch (error) {
      await store.deleteDocument(id);
      throw error;
    }
    // Embedding starts at once: a document deleted, or refused by the spend budget (which keeps only
    // its record), while the original was on its way had nothing in R2 to remove then.
    const kept = await store.getDocument(id);
    if (!kept || (kept.status === "failed" && kept.passages === 0)) await c.env.MEDIA.delete(key);
    if (conversationId) await store.attachDocuments(conversationId, [id]);
    return c.json(record, 201);
  })
  .get("/", async (c) => {
    const conversation = c.req.query("conversation");
    const store = userStore(c);
    if (conversation === undefined) return c.json({ documents: await store.listDocuments() });
    return c.json({ documents: await store.conversationDocuments(parseWith(idSchema, conversation)) });
  })
  .get("/:id", async (c) => c.json(await ownDocument(c)))
  .delete("/:id", async (c) => {
    const document = await ownDocument(c);
    // The original goes first: should the store's delete fail, a retry finds the record and finishes.
    await c.env.MEDIA.delete(documentKey(c.var.userId, document.id));
    await userStore(c).deleteDocument(document.id);
    return c.body(null, 204);
  })
  .post("/:id/attach", async (c) => {
    const { conversationId } = await readJson(c, attachDocumentSchema, 10_000);
    const document = await ownDocument(c);
    const store = userStore(c);
    // Only a conversation that exists: the id of a "New chat" not yet sent names nothing anyone will
    // see again. (An upload from the chat may name one: that chat sends its first message next.)
    if (!(await store.hasConversation(conversationId)))
      throw new AppError(
        "not_found",
        `${document.name} was not attached: that conversation does not exist (a new chat exists once its first message is sent).`,
      );
    await store.attachDocuments(conversationId, [document.id]);
    return c.body(null, 204);
  })
  .delete("/:id/attach/:conversationId", async (c) => {
    const document = await ownDocument(c);
    await userStore(c).detachDocument(idParam(c.req.param("conversationId"), "conversation"), document.id);
    return c.body(null, 204);
  });

async function ownDocument(c: Context<AppEnv>) {
  const document = await userStore(c).getDocument(idParam(c.req.param("id"), "document"));
  if (!document) throw new AppError("not_found", "That document does not exist.");
  return document;
}

/** One file (multipart field `file`) and an optional `conversationId`, the body capped before parsing. */
async function readUploadForm(request: Request): Promise<{ file: Uint8Array; name: string; conversationId?: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data"))
    throw new AppError("bad_request", "Send the document as multipart/form-data with the file in the `file` field.");
  const body = await readLimited(
    request.body,
    request.headers.get("content-length") ?? undefined,
    DOCUMENT_LIMITS.maxBytes + MULTIPART_OVERHEAD,
    TOO_LARGE,
  );
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("bad_request", "The upload is not valid multipart form data.");
  }
  const field = form.get("file");
  if (!field || typeof field === "string") throw new AppError("bad_request", "The form has no file in the `file` field.");
  const file = new Uint8Array(await field.arrayBuffer());
  if (file.byteLength > DOCUMENT_LIMITS.maxBytes) throw new AppError("too_large", TOO_LARGE);
  const rawConversation = form.get("conversationId");
  const conversationId = typeof rawConversation === "string" && rawConversation ? parseWith(idSchema, rawConversation) : undefined;
  return { file, name: displayName(field.name), conversationId };
}

/** The file's own name, without any path a browser or client put before it, and without control characters. */
function displayName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  return clean || "untitled";
}
