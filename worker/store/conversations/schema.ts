import type { FeatureTables } from "../migrate";
import { counted, messageText, reindexRow, textBytes, unindexRow } from "../schema-sql";

/**
 * Conversations and their messages, a tree (../conversation-tree.ts: each message has its parent
 * and the turn it was last on screen; a conversation remembers the leaf on screen), the uploaded
 * images their messages use (../chat-images.ts), and full-text search over message text and titles
 * (../search.ts), kept in step by triggers. A turn's new rows are written with search_pending = 1,
 * which the insert triggers skip, and indexed when the answer is saved (or by a search first).
 * Message bodies count in the byte budget (storage, registered before).
 */
export const CONVERSATION_TABLES: FeatureTables = {
  name: "conversations",
  since10: true,
  migrations: [
    `
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
  , active_leaf TEXT, title_by TEXT NOT NULL DEFAULT 'words', search_pending INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX conversations_by_update ON conversations (updated_at DESC);
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL, parent_id TEXT, visited_at INTEGER NOT NULL DEFAULT 0, search_pending INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, id)
  );
  CREATE INDEX messages_by_position ON messages (conversation_id, position);
  CREATE INDEX messages_by_parent ON messages (conversation_id, parent_id);
  CREATE INDEX conversations_search_pending ON conversations (id) WHERE search_pending <> 0;
  CREATE INDEX messages_search_pending ON messages (conversation_id) WHERE search_pending <> 0;
  ${counted("messages", "body", (row) => textBytes(`${row}body`))}

  CREATE TABLE chat_images (
    conversation_id TEXT NOT NULL,
    image_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, image_id)
  );
  CREATE INDEX chat_images_by_image ON chat_images (image_id);

  CREATE TABLE search_rows (
    id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    UNIQUE (conversation_id, message_id)
  );
  CREATE VIRTUAL TABLE search_index USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
  CREATE TRIGGER search_messages_insert AFTER INSERT ON messages WHEN new.search_pending = 0 BEGIN
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.conversation_id, new.id);
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${messageText("new.body")});
  END;
  ${unindexRow("old.conversation_id", "old.id", "AFTER DELETE ON messages")}
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
  CREATE TRIGGER search_conversations_insert AFTER INSERT ON conversations WHEN new.search_pending = 0 BEGIN
    INSERT INTO search_rows (conversation_id, message_id) VALUES (new.id, '');
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), new.title);
  END;
  ${unindexRow("old.id", "''", "AFTER DELETE ON conversations")}
  CREATE TRIGGER search_conversations_retitle AFTER UPDATE OF title ON conversations BEGIN
    UPDATE search_index SET text = new.title WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = new.id AND message_id = '');
  END;
  CREATE TRIGGER search_conversations_indexed AFTER UPDATE OF search_pending ON conversations
  WHEN old.search_pending <> 0 AND new.search_pending = 0 BEGIN
    ${reindexRow("new.id", "''", "new.title")}
  END;
  `,
    // 2: where a conversation sits in the sidebar (../projects/): its project, pinned, archived. A
    // conversation from before is in no project, unpinned and listed, as it was.
    `
  ALTER TABLE conversations ADD COLUMN project_id TEXT;
  ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE conversations ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX conversations_by_project ON conversations (project_id) WHERE project_id IS NOT NULL;
  `,
    // 3: the sidebar's pages (../sidebar.ts): each group (a project, or none) read in the list's order
    // from here, so a page of a person with thousands of conversations reads only its own rows.
    `
  CREATE INDEX conversations_sidebar ON conversations (archived, project_id, pinned, updated_at, id);
  `,
  ],
};
