import { counted, imageBytes, indexRow, messageText, passageBytes, reindexRow, textBytes, unindexRow } from "./schema-sql";

/**
 * FROZEN HISTORY. Until schema 10 every table of the person's Durable Object was one shared list of
 * numbered migrations; since then each feature owns its tables and migrations (./migrate.ts, and
 * each feature folder's schema.ts). This list only brings a database made before that to schema 10,
 * which the features' first migrations describe (worker/store/migrate.test.ts proves the two
 * agree, and takes over a dump of a real schema-10 store). Nothing is ever added here.
 *
 * The original note: every table, as numbered migrations applied once each, in order,
 * when the object starts. A new table or column is a new entry at the end; entries already shipped
 * never change (a database that ran them will not run them again).
 *
 * Migration 1 is the schema the constructors used to create with CREATE TABLE IF NOT EXISTS, so a
 * database made before migrations existed passes through it unchanged. Such a database may also have
 * an `answering_since` column on its thread tables (the old answering lease): nothing reads it now,
 * and it is left in place rather than dropped (dropping needs a table rebuild, for no gain).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: conversations, vision, images, usage.
  `
  CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX IF NOT EXISTS conversations_by_update ON conversations (updated_at DESC);
  CREATE TABLE IF NOT EXISTS messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (conversation_id, id)
  );
  CREATE INDEX IF NOT EXISTS messages_by_position ON messages (conversation_id, position);
  CREATE TABLE IF NOT EXISTS vision_images (
    id TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS vision_threads (
    id TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES vision_images(id),
    title TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS vision_threads_by_update ON vision_threads (updated_at DESC);
  CREATE TABLE IF NOT EXISTS vision_messages (
    thread_id TEXT NOT NULL REFERENCES vision_threads(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (thread_id, id)
  );
  CREATE INDEX IF NOT EXISTS vision_messages_by_position ON vision_messages (thread_id, position);
  CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS images_by_time ON images (created_at DESC, id DESC);
  CREATE TABLE IF NOT EXISTS usage (day TEXT PRIMARY KEY, tokens INTEGER NOT NULL);
  `,
  // 2: answers being written (worker/store/answers/). A row per running answer, written with its
  // question and deleted with the saved answer: a row left when the object starts is an answer
  // whose object died mid-way. Its chunks so far are kept in batches so its text survives that.
  `
  CREATE TABLE answer_runs (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    prompt_chars INTEGER NOT NULL,
    PRIMARY KEY (kind, owner_id)
  );
  CREATE TABLE answer_chunks (
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, owner_id, seq)
  );
  `,
  // 3: the spend reservation (worker/spend/) a running answer settles when it is saved, also after a restart.
  `
  ALTER TABLE answer_runs ADD COLUMN reservation_id TEXT;
  `,
  // 4: the per-person token count of the old daily budget. Spend is counted in neurons by the
  // deployment's ledger now (worker/spend/), so nothing reads or writes this table.
  `
  DROP TABLE IF EXISTS usage;
  `,
  // 5: conversation branches (worker/store/conversations/conversation-tree.ts). Messages form a tree: each has its
  // parent (NULL for a first message) and the turn it was last on screen (visited_at, a counter),
  // which picks the branch shown below a version a person switches to. A conversation remembers
  // the leaf on screen. A running answer remembers the question it answers, so it is saved under
  // it whichever branch is shown meanwhile. Existing conversations become one chain, by position;
  // an answer running across the upgrade follows its question, the chain's last message then.
  `
  ALTER TABLE messages ADD COLUMN parent_id TEXT;
  ALTER TABLE messages ADD COLUMN visited_at INTEGER NOT NULL DEFAULT 0;
  UPDATE messages SET parent_id = (
    SELECT p.id FROM messages p
    WHERE p.conversation_id = messages.conversation_id AND p.position < messages.position
    ORDER BY p.position DESC LIMIT 1
  );
  CREATE INDEX messages_by_parent ON messages (conversation_id, parent_id);
  ALTER TABLE conversations ADD COLUMN active_leaf TEXT;
  UPDATE conversations SET active_leaf = (
    SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.position DESC LIMIT 1
  );
  ALTER TABLE answer_runs ADD COLUMN parent_id TEXT;
  UPDATE answer_runs SET parent_id = (SELECT c.active_leaf FROM conversations c WHERE c.id = answer_runs.owner_id) WHERE kind = 'chat';
  `,
  // 6: which uploaded images each conversation's messages use (./chat-images.ts): a
  // used image never expires, and goes with the last conversation or thread that used it.
  `
  CREATE TABLE chat_images (
    conversation_id TEXT NOT NULL,
    image_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, image_id)
  );
  CREATE INDEX chat_images_by_image ON chat_images (image_id);
  `,
  // 7: search over message text and titles (worker/store/conversations/search.ts), and who wrote a title. The index is
  // kept in step by triggers, so every write (a live turn, an import, a guest's merge, a delete) updates
  // it in its own transaction. search_rows names each indexed row with a stable integer key (a plain
  // table's rowid may change on VACUUM); message_id '' is the conversation's title. Only a message's
  // text parts are indexed, never tool calls or other JSON.
  `
  ALTER TABLE conversations ADD COLUMN title_by TEXT NOT NULL DEFAULT 'words';
  CREATE TABLE search_rows (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    UNIQUE (conversation_id, message_id)
  );
  CREATE VIRTUAL TABLE search_index USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  ${indexRow("new.conversation_id", "new.id", messageText("new.body"), "AFTER INSERT ON messages")}
  ${unindexRow("old.conversation_id", "old.id", "AFTER DELETE ON messages")}
  CREATE TRIGGER search_messages_update AFTER UPDATE OF conversation_id, id, body ON messages BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = old.conversation_id AND message_id = old.id);
    DELETE FROM search_rows WHERE conversation_id = old.conversation_id AND message_id = old.id;
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.conversation_id, new.id);
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${messageText("new.body")});
  END;
  ${indexRow("new.id", "''", "new.title", "AFTER INSERT ON conversations")}
  ${unindexRow("old.id", "''", "AFTER DELETE ON conversations")}
  CREATE TRIGGER search_conversations_retitle AFTER UPDATE OF title ON conversations BEGIN
    UPDATE search_index SET text = new.title WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = new.id AND message_id = '');
  END;
  INSERT INTO search_rows (conversation_id, message_id) SELECT id, '' FROM conversations;
  INSERT INTO search_rows (conversation_id, message_id) SELECT conversation_id, id FROM messages;
  INSERT INTO search_index (rowid, text) SELECT r.id, c.title FROM search_rows r JOIN conversations c ON c.id = r.conversation_id WHERE r.message_id = '';
  INSERT INTO search_index (rowid, text)
    SELECT r.id, ${messageText("m.body")} FROM search_rows r JOIN messages m ON m.conversation_id = r.conversation_id AND m.id = r.message_id;
  `,
  // 8: the byte budget (worker/store/storage/byte-budget.ts). storage_usage holds the bytes the person keeps,
  // kept in step by triggers, so every write (a turn, an answer, an import, a merge, a delete, a
  // cascade) changes it in its own transaction and no write path can forget it. Counted: message
  // bodies, generated images (their R2 bytes and record), photos (their R2 bytes), documents (the
  // original in R2 and the passages' text) and shared snapshots (share_bytes, one row per shared
  // conversation). The documents tables are made here, not only on first use, so their triggers
  // have something to hang on. A database from before starts with the total of what it holds; the
  // statements may run again over their own result (a test rolling back an earlier migration) and
  // count the same.
  `
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
  CREATE TABLE IF NOT EXISTS share_bytes (conversation_id TEXT PRIMARY KEY, token TEXT, bytes INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS share_bytes_by_token ON share_bytes (token);
  CREATE TABLE IF NOT EXISTS storage_usage (only INTEGER PRIMARY KEY CHECK (only = 1), bytes INTEGER NOT NULL);
  DELETE FROM storage_usage;
  INSERT INTO storage_usage (only, bytes) SELECT 1, total FROM (SELECT
    (SELECT COALESCE(SUM(${textBytes("body")}), 0) FROM messages) +
    (SELECT COALESCE(SUM(${textBytes("body")}), 0) FROM vision_messages) +
    (SELECT COALESCE(SUM(${imageBytes("body")}), 0) FROM images) +
    (SELECT COALESCE(SUM(bytes), 0) FROM vision_images) +
    (SELECT COALESCE(SUM(bytes), 0) FROM documents) +
    (SELECT COALESCE(SUM(${passageBytes("")}), 0) FROM passages) +
    (SELECT COALESCE(SUM(bytes), 0) FROM share_bytes) AS total) WHERE total > 0;
  ${counted("messages", "body", (row) => textBytes(`${row}body`))}
  ${counted("vision_messages", "body", (row) => textBytes(`${row}body`))}
  ${counted("images", "body", (row) => imageBytes(`${row}body`))}
  ${counted("vision_images", "bytes", (row) => `${row}bytes`)}
  ${counted("documents", "bytes", (row) => `${row}bytes`)}
  ${counted("passages", "text, heading", passageBytes)}
  ${counted("share_bytes", "bytes", (row) => `${row}bytes`)}
  `,
  // 9: the search index (migration 7) can lag behind a chat turn's writes until its answer is saved.
  // A turn's new messages and a new conversation's title are written with search_pending = 1, which
  // the insert triggers skip, so the question costs no full-text indexing before the model is called;
  // setting the flag back to 0 indexes the row (the conversation's, ConversationTree.saveAnswer, in
  // the answer's transaction), and a search first indexes whatever still waits (./search.ts), so
  // search never misses a row. A row's own flag decides; the partial indexes find the waiting ones.
  // Indexing a waiting row first removes any entry it has, so it cannot collide on search_rows.
  `
  ALTER TABLE conversations ADD COLUMN search_pending INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN search_pending INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX conversations_search_pending ON conversations (id) WHERE search_pending <> 0;
  CREATE INDEX messages_search_pending ON messages (conversation_id) WHERE search_pending <> 0;
  DROP TRIGGER search_messages_insert;
  CREATE TRIGGER search_messages_insert AFTER INSERT ON messages WHEN new.search_pending = 0 BEGIN
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.conversation_id, new.id);
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${messageText("new.body")});
  END;
  DROP TRIGGER search_messages_update;
  CREATE TRIGGER search_messages_update AFTER UPDATE OF conversation_id, id, body ON messages
  WHEN old.search_pending = 0 AND new.search_pending = 0 BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = old.conversation_id AND message_id = old.id);
    DELETE FROM search_rows WHERE conversation_id = old.conversation_id AND message_id = old.id;
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.conversation_id, new.id);
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${messageText("new.body")});
  END;
  CREATE TRIGGER search_messages_indexed AFTER UPDATE OF search_pending ON messages
  WHEN old.search_pending <> 0 AND new.search_pending = 0 BEGIN
    ${reindexRow("new.conversation_id", "new.id", messageText("new.body"))}
  END;
  DROP TRIGGER search_conversations_insert;
  CREATE TRIGGER search_conversations_insert AFTER INSERT ON conversations WHEN new.search_pending = 0 BEGIN
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.id, '');
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), new.title);
  END;
  CREATE TRIGGER search_conversations_indexed AFTER UPDATE OF search_pending ON conversations
  WHEN old.search_pending <> 0 AND new.search_pending = 0 BEGIN
    ${reindexRow("new.id", "''", "new.title")}
  END;
  `,
  // 10: connectors, the person's remote MCP servers (worker/connectors/table.ts). `secret` is the
  // encrypted bearer token or OAuth state (worker/connectors/crypto.ts), NULL when there is none;
  // each listed tool keeps the person's switches (offered to the model; asks before running).
  // IF NOT EXISTS: like migration 8, it may run again over its own result (a test rolling back an earlier migration).
  `
  CREATE TABLE IF NOT EXISTS connectors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    auth TEXT NOT NULL,
    secret TEXT,
    status TEXT NOT NULL,
    last_error TEXT,
    tools_left_out INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    checked_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS connector_tools (
    connector_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    ask_first INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (connector_id, name)
  );
  `,
];

/**
 * Brings the database up to the latest migration. Every object start runs this, so a store that is
 * up to date costs one statement; a new one runs every migration in one transaction (not one each:
 * a store is on the latest schema or on the one it had, never between).
 */
export function migrateLegacy(storage: DurableObjectStorage, migrations: readonly string[] = MIGRATIONS): void {
  const sql = storage.sql;
  const applied = legacyVersion(sql);
  if (applied >= migrations.length) return;
  storage.transactionSync(() => {
    if (applied === 0) sql.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`);
    const now = Date.now();
    for (let version = applied + 1; version <= migrations.length; version++) {
      sql.exec(migrations[version - 1]);
      sql.exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, now);
    }
  });
}

/** The last migration run; 0 for a new database, which has no migration log yet. */
export function legacyVersion(sql: SqlStorage): number {
  try {
    return sql.exec<{ v: number | null }>(`SELECT MAX(version) AS v FROM schema_migrations`).one().v ?? 0;
  } catch (error) {
    if (String(error).includes("no such table")) return 0;
    throw error;
  }
}
