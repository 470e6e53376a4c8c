import { alarmNoLaterThan } from "../alarm";
import { DOCUMENT_EMBEDDING_MODEL, RERANKER_MODEL } from "../../contract/models";
import { resolveAiBackend, type AiBackend, type AiEnv } from "../ai/backend";
import { toAppError } from "../http/errors";
import { log } from "../log";
import { chooseVectorIndex, type IndexEnv } from "./choose-index";
import { DocumentTables } from "./document-tables";
import { EMBED_BATCH } from "./embed";
import { embedPaid, rerankPaid } from "./paid-calls";
import { AppError } from "../../contract/errors";
import type { Budgets, Payer } from "../spend/spend";
import { hybridSearch, type RetrievedPassage } from "./hybrid";
import type { QuestionVector } from "./question-vector";
import type { Passage } from "./split";
import { vectorId } from "./vector-index";
import { VectorizeVectorIndex } from "./vectorize-index";

export type LibraryEnv = Env & AiEnv & IndexEnv;

/** R2 key of a document's original: per person (the document's namespace), so ownership is visible in the key. */
export function documentKey(userId: string, documentId: string): string {
  return `documents/${userId}/${documentId}`;
}

/** A write wrapped in the byte budget's check (worker/store/storage/byte-budget.ts), inside the write's transaction. */
export type WithinBudget = <T>(write: () => T) => T;

/**
 * The documents feature inside the person's Durable Object: the tables, the background embedding
 * (driven by the object's alarm, so it survives the object being evicted and resumes where it
 * stopped: progress is per passage), and hybrid search. The Worker reaches it through the store's
 * RPC methods; the store only forwards.
 */
export class DocumentLibrary {
  private made?: DocumentTables;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: LibraryEnv,
    private readonly backend: () => AiBackend = () => resolveAiBackend(env),
  ) {}

  /**
   * Made on first use, not with the object: most people never attach a document, and every request
   * that wakes their object (each chat, each budget check) would otherwise pay for five tables and
   * an FTS5 index it does not need.
   */
  get tables(): DocumentTables {
    return (this.made ??= new DocumentTables(this.storage.sql));
  }

  /**
   * Whether this person has ever had a document: without one, search needs no tables at all. Asked
   * once per object (every chat turn asks): only `tables` makes them, and that is remembered in `made`.
   */
  private get exists(): boolean {
    return (
      !!this.made ||
      (this.found ??=
        this.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conversation_documents'`).toArray().length > 0)
    );
  }
  private found?: boolean;

  /** The tables as the store was before deleteAll: made again on next use. */
  forget(): void {
    this.made = undefined;
    this.found = undefined;
  }

  /**
   * Saves a read and split document and schedules its embedding, which `payer` pays for. `within`
   * refuses it, writing nothing, when its original and passages do not fit the byte budget.
   */
  async add(record: Parameters<DocumentTables["add"]>[0], passages: Passage[], payer: Payer, within: WithinBudget = (write) => write()) {
    const saved = this.storage.transactionSync(() => {
      this.tables.setPayer(payer);
      return within(() => this.tables.add(record, passages));
    });
    if (saved.status === "embedding") await alarmNoLaterThan(this.storage, Date.now());
    return saved;
  }

  /**
   * Embeds waiting passages, one batch per model call, recording progress after each, until none
   * wait. Each call is reserved against the budget of the person who added the documents and
   * settled after (./paid-embedding.ts). A batch that fails, or that the budget has no room for,
   * marks its documents failed with a sentence a person can read and takes back their vectors (the
   * model backend has already retried what retrying can fix), and the rest carry on.
   */
  async embedPending(): Promise<void> {
    if (!this.exists) return;
    for (;;) {
      const batch = this.tables.toEmbed(EMBED_BATCH);
      if (!batch.length) return;
      try {
        const payer = this.tables.payer();
        // Only documents merged in from a guest mid-embedding have nobody recorded here to pay.
        if (!payer) throw new AppError("bad_request", "Nobody is recorded to pay for it here. Delete it and attach it again.");
        const texts = batch.map((p) => (p.heading ? `${p.heading}\n${p.text}` : p.text));
        const vectors = await embedPaid(this.env, payer, this.backend().binding, DOCUMENT_EMBEDDING_MODEL, texts);
        // A document deleted while its batch was being embedded must not get vectors back.
        const live = batch.filter((p) => this.tables.get(p.documentId)?.status === "embedding");
        for (const namespace of new Set(live.map((p) => p.namespace))) {
          const index = chooseVectorIndex(this.env, this.storage.sql, namespace);
          await index.upsert(
            live.flatMap((p) =>
              p.namespace === namespace
                ? [
                    {
                      id: vectorId(p.documentId, p.passage),
                      documentId: p.documentId,
                      passage: p.passage,
                      values: vectors[batch.indexOf(p)],
                    },
                  ]
                : [],
            ),
          );
          // Deleted (or the account deleted) while the upsert was on its way: its deletion did not see these.
          const dropped = live.filter((p) => p.namespace === namespace && this.tables.get(p.documentId)?.status !== "embedding");
          if (dropped.length) await index.deleteByIds(dropped.map((p) => vectorId(p.documentId, p.passage)));
        }
        this.tables.markEmbedded(live.map((p) => p.rowid));
      } catch (error) {
        const appError = toAppError(error, "upstream");
        log("documents.embed_failed", { code: appError.code, detail: String(error).slice(0, 300) });
        for (const id of new Set(batch.map((p) => p.documentId))) await this.fail(id, appError);
      }
    }
  }

  /**
   * Fails a document with a sentence and deletes the vectors it already had: nothing half-indexed
   * stays. One the spend budget refused keeps nothing but its record (the sentence saying why):
   * its original in R2 and its passages go, so refused documents cannot pile up bytes.
   */
  private async fail(id: string, error: AppError): Promise<void> {
    const record = this.tables.get(id);
    if (!record || record.status !== "embedding") return;
    const namespace = this.tables.namespaceOf(id);
    if (namespace === null) return;
    let vectorIds: string[];
    if (error.code === "budget_exhausted") {
      const message = `Embedding stopped after ${record.embedded.toLocaleString("en-US")} of ${record.passages.toLocaleString("en-US")} passages: today's budget (yours, or the app's) has no room for more. Nothing of this document is searched. Its file and text were not kept: delete this entry and attach the file again after 00:00 UTC.`;
      await this.env.MEDIA.delete(documentKey(namespace, id));
      vectorIds = this.storage.transactionSync(() => this.tables.strip(id, message));
    } else {
      vectorIds = this.storage.transactionSync(() => this.tables.fail(id, `Embedding failed: ${error.message}`));
    }
    if (vectorIds.length) await chooseVectorIndex(this.env, this.storage.sql, namespace).deleteByIds(vectorIds);
  }

  /**
   * Before the store's deleteAll: the person's vectors in Vectorize, which lives outside the store
   * (the SQLite index goes with the store). Every passage's id is deleted, embedded or not, so a
   * vector whose upsert was still being applied goes too.
   */
  async deleteAllVectors(): Promise<void> {
    if (!this.usesVectorize()) return;
    for (const { namespace, ids } of this.tables.allVectorIds())
      await chooseVectorIndex(this.env, this.storage.sql, namespace).deleteByIds(ids);
  }

  /**
   * After a guest's rows were imported here (worker/store/person-data/user-data.ts): their documents become this
   * person's, and in Vectorize their vectors move to this person's namespace (same ids, so none stays
   * under the guest's). The SQLite index came with the rows.
   */
  async adopt(from: string, to: string): Promise<void> {
    if (from === to) return;
    const ids = this.storage.transactionSync(() => this.tables.adopt(from, to));
    const index = chooseVectorIndex(this.env, this.storage.sql, to);
    if (ids.length && index instanceof VectorizeVectorIndex) await index.adopt(ids);
  }

  private usesVectorize(): boolean {
    return (this.env.VECTOR_INDEX || "sqlite").trim().toLowerCase() === "vectorize";
  }

  async delete(id: string): Promise<boolean> {
    const removed = this.storage.transactionSync(() => this.tables.delete(id));
    if (!removed) return false;
    await chooseVectorIndex(this.env, this.storage.sql, removed.namespace).deleteByIds(removed.vectorIds);
    return true;
  }

  /**
   * The passages of a conversation's documents that best answer the question (empty: none relevant).
   * The question's embedding is a model call the payer pays for; their budget refusing it refuses
   * the search (`budget_exhausted`), since the answer that would follow could not be paid for either.
   */
  async search(
    payer: Payer & { budgets?: Budgets },
    conversationId: string,
    question: string,
    /** Documents searched as well as the conversation's (its project's); ids that are no longer documents are skipped. */
    alsoDocumentIds: readonly string[] = [],
    /** The turn's question embedding when another feature may already have paid for it (./question-vector.ts). */
    sharedVector?: QuestionVector,
  ): Promise<RetrievedPassage[] | null> {
    const namespace = payer.userId;
    if (!this.exists) return null;
    const attached = this.tables.attachedTo(conversationId);
    const also = alsoDocumentIds.filter((id) => !attached.some((d) => d.id === id)).flatMap((id) => this.tables.get(id) ?? []);
    const documents = [...attached, ...also].filter((d) => d.status !== "failed");
    if (!documents.length) return null;
    const ids = documents.map((d) => d.id);
    const backend = this.backend();
    const index = chooseVectorIndex(this.env, this.storage.sql, namespace);
    // The two model calls are timed apart from the search itself, which `npm run bench:retrieval`
    // measures (a Worker's clock stands still while it computes, so only calls out can be timed here).
    const took = { embedMs: 0, rerankMs: 0 };
    const timed = async <T>(what: keyof typeof took, call: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      try {
        return await call();
      } finally {
        took[what] = Date.now() - start;
      }
    };
    const found = await hybridSearch({
      embedQuestion: () =>
        timed("embedMs", async () => {
          try {
            if (sharedVector) return await sharedVector();
            return (
              await embedPaid(
                this.env,
                { userId: payer.userId, person: payer.person, address: payer.address },
                backend.binding,
                DOCUMENT_EMBEDDING_MODEL,
                [question],
                payer.budgets,
              )
            )[0];
          } catch (error) {
            if (error instanceof AppError && error.code === "budget_exhausted") throw error;
            // Keyword search still answers; the answer is worse, not missing.
            log("documents.query_embed_failed", { detail: String(error).slice(0, 200) });
            return undefined;
          }
        }),
      vectorSearch: (vector, topK) => index.query(vector, { topK, documentIds: ids }),
      keywordSearch: (topK) => this.tables.keywordSearch(question, ids, topK),
      load: (keys) => this.tables.passages(keys),
      rerank: (texts) =>
        timed("rerankMs", () =>
          rerankPaid(
            this.env,
            { userId: payer.userId, person: payer.person, address: payer.address },
            question,
            texts,
            () => rerank(backend, question, texts),
            payer.budgets,
          ),
        ),
    });
    log("documents.search", { documents: ids.length, found: found.length, ...took });
    return found;
  }
}

/**
 * Scores from the reranker, in input order, or undefined where none answers: a failed call (the
 * local engine has no reranker, engine/README.md) falls back to fused order.
 */
export async function rerank(backend: AiBackend, question: string, texts: string[]): Promise<number[] | undefined> {
  if (!texts.length) return undefined;
  try {
    const answer = (await backend.binding.run(RERANKER_MODEL, {
      query: question,
      contexts: texts.map((text) => ({ text })),
      top_k: texts.length,
    })) as { response?: { id?: number; score?: number }[] };
    if (!Array.isArray(answer?.response)) return undefined;
    const scores = texts.map(() => 0);
    for (const r of answer.response)
      if (typeof r.id === "number" && typeof r.score === "number" && r.id >= 0 && r.id < texts.length) scores[r.id] = r.score;
    return scores;
  } catch (error) {
    log("documents.rerank_failed", { detail: String(error).slice(0, 200) });
    return undefined;
  }
}
