import type { DocumentKind, DocumentRecord, DocumentStatus } from "../../contract/documents";
import type { Passage } from "./split";
import type { Payer } from "../spend/spend";
import { LOCAL_ADDRESS } from "../spend/pools";
import { vectorId } from "./vector-index";

/** The one-row table naming who pays for embedding (see `setPayer`). */
export const PAYER_TABLE = "document_payer";

/** A passage as search hands it on: where it is, and its text. */
export interface StoredPassage {
  documentId: string;
  documentName: string;
  passage: number;
  page: number | null;
  heading: string | null;
  text: string;
}

export interface KeywordMatch {
  documentId: string;
  passage: number;
  /** BM25 as SQLite reports it: lower is better. */
  score: number;
}

interface DocumentRow extends Record<string, SqlStorageValue> {
  id: string;
  name: string;
  kind: string;
  bytes: number;
  pages: number | null;
  passages: number;
  embedded: number;
  status: string;
  error: string | null;
  namespace: string;
  created_at: number;
}

/**
 * The documents tables inside the person's Durable Object: the records, their passages (with an
 * FTS5 index for BM25 keyword search), and which conversations search which documents. Like the
 * rest of the store, isolation comes from the addressing: this is one person's database.
 */
export class DocumentTables {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        pages INTEGER,
        passages INTEGER NOT NULL,
        embedded INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        error TEXT,
        namespace TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS passages (
        rowid INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        heading TEXT,
        page INTEGER,
        embedded INTEGER NOT NULL DEFAULT 0,
        UNIQUE (document_id, idx)
      );
      CREATE INDEX IF NOT EXISTS passages_to_embed ON passages (embedded, rowid);
      CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts USING fts5(text, heading, tokenize = 'porter unicode61');
      CREATE TABLE IF NOT EXISTS conversation_documents (
        conversation_id TEXT NOT NULL,
        document_id TEXT NOT NULL,
        PRIMARY KEY (conversation_id, document_id)
      );
      CREATE INDEX IF NOT EXISTS conversation_documents_by_document ON conversation_documents (document_id);
      CREATE TABLE IF NOT EXISTS ${PAYER_TABLE} (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        user_id TEXT NOT NULL,
        person TEXT NOT NULL
      );
    `);
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM documents`).one().n;
  }

  namespaceOf(id: string): string | null {
    return this.sql.exec<{ namespace: string }>(`SELECT namespace FROM documents WHERE id = ?`, id).toArray()[0]?.namespace ?? null;
  }

  /** Saves a read and split document; its passages are keyword-searchable at once, embedded later. */
  add(
    record: { id: string; name: string; kind: DocumentKind; bytes: number; pages: number | null; namespace: string },
    passages: Passage[],
  ): DocumentRecord {
    this.sql.exec(
      `INSERT INTO documents (id, name, kind, bytes, pages, passages, embedded, status, namespace, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
      record.id,
      record.name,
      record.kind,
      record.bytes,
      record.pages,
      passages.length,
      passages.length ? "embedding" : "ready",
      record.namespace,
      Date.now(),
    );
    for (const p of passages) {
      const { rowid } = this.sql
        .exec<{ rowid: number }>(
          `INSERT INTO passages (document_id, idx, text, heading, page) VALUES (?, ?, ?, ?, ?) RETURNING rowid`,
          record.id,
          p.index,
          p.text,
          p.heading ?? null,
          p.page ?? null,
        )
        .one();
      this.sql.exec(`INSERT INTO passages_fts (rowid, text, heading) VALUES (?, ?, ?)`, rowid, p.text, p.heading ?? "");
    }
    return this.get(record.id)!;
  }

  list(): DocumentRecord[] {
    return this.sql.exec<DocumentRow>(`SELECT * FROM documents ORDER BY created_at DESC LIMIT 500`).toArray().map(toRecord);
  }

  get(id: string): DocumentRecord | null {
    const row = this.sql.exec<DocumentRow>(`SELECT * FROM documents WHERE id = ?`, id).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** The next passages waiting for a vector, oldest document first, with the namespace they go to. */
  toEmbed(
    limit: number,
  ): { rowid: number; documentId: string; passage: number; text: string; heading: string | null; namespace: string }[] {
    return this.sql
      .exec<{ rowid: number; document_id: string; idx: number; text: string; heading: string | null; namespace: string }>(
        `SELECT p.rowid, p.document_id, p.idx, p.text, p.heading, d.namespace FROM passages p JOIN documents d ON d.id = p.document_id
         WHERE p.embedded = 0 AND d.status = 'embedding' ORDER BY p.rowid LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({
        rowid: r.rowid,
        documentId: r.document_id,
        passage: r.idx,
        text: r.text,
        heading: r.heading,
        namespace: r.namespace,
      }));
  }

  markEmbedded(rowids: number[]): void {
    for (const rowid of rowids) this.sql.exec(`UPDATE passages SET embedded = 1 WHERE rowid = ?`, rowid);
    this.sql.exec(`
      UPDATE documents SET embedded = (SELECT count(*) FROM passages p WHERE p.document_id = documents.id AND p.embedded = 1)
      WHERE status = 'embedding';
      UPDATE documents SET status = 'ready' WHERE status = 'embedding' AND embedded >= passages;
    `);
  }

  /**
   * Marks a document failed with the sentence a person reads, and takes back what was indexed of it:
   * a failed document is searched by nothing, so none of its passages counts as embedded and the
   * vector ids returned (those already handed to the index) are for the caller to delete.
   */
  fail(documentId: string, message: string): string[] {
    const embedded = this.sql
      .exec<{ idx: number }>(`SELECT idx FROM passages WHERE document_id = ? AND embedded = 1`, documentId)
      .toArray();
    this.sql.exec(`UPDATE passages SET embedded = 0 WHERE document_id = ? AND embedded = 1`, documentId);
    this.sql.exec(`UPDATE documents SET status = 'failed', error = ?, embedded = 0 WHERE id = ?`, message, documentId);
    return embedded.map((r) => vectorId(documentId, r.idx));
  }

  /**
   * Who pays for this object's background embedding: the person whose request last added a
   * document (the object is one person's, so only how they are signed in can change). Kept out of
   * a guest-to-account merge (worker/store/person-data/transfer.ts), so an account never spends as its old guest.
   */
  setPayer(payer: Payer): void {
    // The address rides in the person's JSON rather than a column of its own: no schema change for one field.
    this.sql.exec(
      `INSERT OR REPLACE INTO ${PAYER_TABLE} (only, user_id, person) VALUES (1, ?, ?)`,
      payer.userId,
      JSON.stringify({ ...payer.person, address: payer.address }),
    );
  }

  payer(): Payer | null {
    const row = this.sql
      .exec<{ user_id: string; person: string }>(`SELECT user_id, person FROM ${PAYER_TABLE} WHERE only = 1`)
      .toArray()[0];
    if (!row) return null;
    // A payer stored before addresses were recorded counts as "local", as a request without one does.
    const { address = LOCAL_ADDRESS, ...person } = JSON.parse(row.person) as Payer["person"] & { address?: string };
    return { userId: row.user_id, person: person as Payer["person"], address };
  }

  /**
   * Keeps only the record of a document whose embedding the budget refused, as failed with the
   * sentence a person reads (so the page can say why), and removes its content: every passage and
   * keyword entry, and its bytes from the byte budget. Returns every vector id it may have had.
   */
  strip(documentId: string, message: string): string[] {
    const indexes = this.sql.exec<{ idx: number }>(`SELECT idx FROM passages WHERE document_id = ?`, documentId).toArray();
    this.sql.exec(`DELETE FROM passages_fts WHERE rowid IN (SELECT rowid FROM passages WHERE document_id = ?)`, documentId);
    this.sql.exec(`DELETE FROM passages WHERE document_id = ?`, documentId);
    this.sql.exec(
      `UPDATE documents SET status = 'failed', error = ?, bytes = 0, passages = 0, embedded = 0 WHERE id = ?`,
      message,
      documentId,
    );
    return indexes.map((r) => vectorId(documentId, r.idx));
  }

  /** Every vector id any document here may have in an index, with its namespace (account deletion). */
  allVectorIds(): { namespace: string; ids: string[] }[] {
    const rows = this.sql
      .exec<{ namespace: string; document_id: string; idx: number }>(
        `SELECT d.namespace, p.document_id, p.idx FROM passages p JOIN documents d ON d.id = p.document_id`,
      )
      .toArray();
    const by = new Map<string, string[]>();
    for (const r of rows) {
      const ids = by.get(r.namespace) ?? [];
      ids.push(vectorId(r.document_id, r.idx));
      by.set(r.namespace, ids);
    }
    return [...by].map(([namespace, ids]) => ({ namespace, ids }));
  }

  /** Documents merged in from another person become this one's: returns the vector ids embedded under the old namespace. */
  adopt(from: string, to: string): string[] {
    const ids = this.sql
      .exec<{ document_id: string; idx: number }>(
        `SELECT p.document_id, p.idx FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.namespace = ? AND p.embedded = 1`,
        from,
      )
      .toArray()
      .map((r) => vectorId(r.document_id, r.idx));
    this.sql.exec(`UPDATE documents SET namespace = ? WHERE namespace = ?`, to, from);
    return ids;
  }

  /** Keyword entries for passages that have none (rows imported from a guest: the index is never copied). */
  indexMissing(): void {
    this.sql.exec(
      `INSERT INTO passages_fts (rowid, text, heading) SELECT p.rowid, p.text, COALESCE(p.heading, '') FROM passages p
       WHERE NOT EXISTS (SELECT 1 FROM passages_fts f WHERE f.rowid = p.rowid)`,
    );
  }

  /** Removes the record, every passage and keyword entry, and its attachments; returns the vector ids to delete. */
  delete(id: string): { vectorIds: string[]; namespace: string } | null {
    const row = this.sql.exec<DocumentRow>(`SELECT * FROM documents WHERE id = ?`, id).toArray()[0];
    if (!row) return null;
    const indexes = this.sql.exec<{ idx: number }>(`SELECT idx FROM passages WHERE document_id = ?`, id).toArray();
    this.sql.exec(`DELETE FROM passages_fts WHERE rowid IN (SELECT rowid FROM passages WHERE document_id = ?)`, id);
    this.sql.exec(`DELETE FROM passages WHERE document_id = ?`, id);
    this.sql.exec(`DELETE FROM conversation_documents WHERE document_id = ?`, id);
    this.sql.exec(`DELETE FROM documents WHERE id = ?`, id);
    return { vectorIds: indexes.map((r) => vectorId(id, r.idx)), namespace: row.namespace };
  }

  /** Attaches the person's own documents to a conversation; ids they do not have are skipped. */
  attach(conversationId: string, documentIds: readonly string[]): string[] {
    const attached: string[] = [];
    for (const id of documentIds) {
      if (!this.get(id)) continue;
      this.sql.exec(`INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id) VALUES (?, ?)`, conversationId, id);
      attached.push(id);
    }
    return attached;
  }

  detach(conversationId: string, documentId: string): boolean {
    return (
      this.sql.exec(`DELETE FROM conversation_documents WHERE conversation_id = ? AND document_id = ?`, conversationId, documentId)
        .rowsWritten > 0
    );
  }

  attachedTo(conversationId: string): DocumentRecord[] {
    return this.sql
      .exec<DocumentRow>(
        `SELECT d.* FROM documents d JOIN conversation_documents c ON c.document_id = d.id WHERE c.conversation_id = ? ORDER BY d.created_at`,
        conversationId,
      )
      .toArray()
      .map(toRecord);
  }

  /**
   * BM25 top-k over the given documents' passages (their heading counts too). FTS5 ranks fastest on
   * its own table (`ORDER BY rank`), so the best matches of all the person's documents are taken
   * first and filtered to the documents asked about; only when that leaves too few does the exact,
   * slower query (ranking every match inside those documents) run.
   */
  keywordSearch(question: string, documentIds: readonly string[], topK: number): KeywordMatch[] {
    if (!documentIds.length) return [];
    const match = ftsQuery(this.weighty(queryWords(question)));
    if (!match) return [];
    const wanted = new Set(documentIds);
    const wide = topK * 10;
    // One statement: the ranked rowids joined to their passages, not one lookup per hit.
    const ranked = this.sql
      .exec<{ document_id: string; idx: number; score: number }>(
        `SELECT p.document_id, p.idx, f.rank AS score
         FROM (SELECT rowid, rank FROM passages_fts WHERE passages_fts MATCH ? ORDER BY rank LIMIT ?) f
         JOIN passages p ON p.rowid = f.rowid ORDER BY f.rank`,
        match,
        wide,
      )
      .toArray();
    const found: KeywordMatch[] = [];
    for (const row of ranked) {
      if (wanted.has(row.document_id)) found.push({ documentId: row.document_id, passage: row.idx, score: row.score });
      if (found.length === topK) return found;
    }
    if (ranked.length < wide) return found;
    return this.sql
      .exec<{ document_id: string; idx: number; score: number }>(
        `SELECT p.document_id, p.idx, bm25(passages_fts) AS score FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid
         WHERE passages_fts MATCH ? AND p.document_id IN (${documentIds.map(() => "?").join(",")}) ORDER BY score LIMIT ?`,
        match,
        ...documentIds,
        topK,
      )
      .toArray()
      .map((r) => ({ documentId: r.document_id, passage: r.idx, score: r.score }));
  }

  /**
   * The words worth asking FTS5 for. FTS5 ranks every passage a query matches before taking the
   * best, and a word in at least half the passages has no weight in its BM25 (the IDF is floored to
   * 1e-6 there), so in a large library such words are left out: they cost a score per passage and
   * decide nothing. When every word is that common they are all kept, and ranked as before.
   */
  private weighty(words: string[]): string[] {
    if (words.length < 2) return words;
    const total = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM passages`).one().n;
    if (total < PRUNE_FROM_PASSAGES) return words;
    const half = Math.ceil(total / 2);
    const rare = words.filter(
      (word) =>
        this.sql
          .exec<{ n: number }>(
            `SELECT count(*) AS n FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)`,
            `"${word}"`,
            half,
          )
          .one().n *
          2 <
        total,
    );
    return rare.length ? rare : words;
  }

  passages(keys: readonly { documentId: string; passage: number }[]): StoredPassage[] {
    const found: StoredPassage[] = [];
    for (const key of keys) {
      const row = this.sql
        .exec<{ text: string; heading: string | null; page: number | null; name: string }>(
          `SELECT p.text, p.heading, p.page, d.name FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.document_id = ? AND p.idx = ?`,
          key.documentId,
          key.passage,
        )
        .toArray()[0];
      if (row)
        found.push({
          documentId: key.documentId,
          documentName: row.name,
          passage: key.passage,
          page: row.page,
          heading: row.heading,
          text: row.text,
        });
    }
    return found;
  }
}

/**
 * A question as an FTS5 query: each word quoted (so FTS5 syntax in a question is just text), any
 * of them may match, and BM25 ranks passages with more and rarer words first.
 */
export function ftsQuery(question: string | string[]): string {
  return (typeof question === "string" ? queryWords(question) : question).map((w) => `"${w}"`).join(" OR ");
}

/** The question's searchable words: lower case, no stop words, each once, at most 32. */
export function queryWords(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 1 && !STOP_WORDS.has(w)))].slice(0, 32);
}

/** Below this many passages, scoring every match costs less than finding out which words are common. */
const PRUNE_FROM_PASSAGES = 2_000;

const STOP_WORDS = new Set(
  "a an and are as at be by can do does did for from has have how i in is it its of on or the this that to was were what when where which who why will with you your me my we our".split(
    " ",
  ),
);

function toRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DocumentKind,
    bytes: row.bytes,
    pages: row.pages,
    passages: row.passages,
    embedded: row.embedded,
    status: row.status as DocumentStatus,
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.created_at,
  };
}
