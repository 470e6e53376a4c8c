/**
 * SQL the store's schemas are written with (the frozen ./legacy-schema.ts and the features' first
 * migrations, which must match it). Like a shipped migration, these never change: a new need is a
 * new helper.
 */

/**
 * A message body's text parts, joined by newlines, in SQL. A body that is not valid JSON, or parts
 * that are not objects, index as nothing rather than failing the write that stored them.
 */
export function messageText(body: string): string {
  return `COALESCE((SELECT group_concat(json_extract(p.value, '$.text'), char(10))
    FROM json_each(CASE WHEN json_valid(${body}) THEN ${body} ELSE '{}' END, '$.parts') AS p
    WHERE p.type = 'object' AND json_extract(p.value, '$.type') = 'text'), '')`;
}

export function indexRow(conversationId: string, messageId: string, text: string, when: string): string {
  const name = `search_${when.split(" ").at(-1)}_${when.split(" ")[1].toLowerCase()}`;
  return `CREATE TRIGGER ${name} ${when} BEGIN
    INSERT INTO search_rows (conversation_id, message_id) VALUES (${conversationId}, ${messageId});
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${text});
  END;`;
}

export function unindexRow(conversationId: string, messageId: string, when: string): string {
  const name = `search_${when.split(" ").at(-1)}_${when.split(" ")[1].toLowerCase()}`;
  return `CREATE TRIGGER ${name} ${when} BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = ${conversationId} AND message_id = ${messageId});
    DELETE FROM search_rows WHERE conversation_id = ${conversationId} AND message_id = ${messageId};
  END;`;
}

/** Migration 9: a row's search entry, replacing any it has (so a row indexed twice cannot collide on search_rows). */
export function reindexRow(conversationId: string, messageId: string, text: string): string {
  return `DELETE FROM search_index WHERE rowid = (SELECT id FROM search_rows WHERE conversation_id = ${conversationId} AND message_id = ${messageId});
    DELETE FROM search_rows WHERE conversation_id = ${conversationId} AND message_id = ${messageId};
    INSERT INTO search_rows (conversation_id, message_id) VALUES (${conversationId}, ${messageId});
    INSERT INTO search_index (rowid, text) VALUES (last_insert_rowid(), ${text});`;
}

/** A text column's size in bytes (UTF-8), as stored. */
export function textBytes(column: string): string {
  return `length(CAST(${column} AS BLOB))`;
}

/** A generated image: its record, and the R2 object's bytes the record names. */
export function imageBytes(body: string): string {
  return `(${textBytes(body)} + CASE WHEN json_valid(${body}) THEN COALESCE(json_extract(${body}, '$.bytes'), 0) ELSE 0 END)`;
}

/** A passage's text and heading; `row` is "new.", "old." or "" (the table itself). */
export function passageBytes(row: "new." | "old." | ""): string {
  return `(${textBytes(`${row}text`)} + COALESCE(${textBytes(`${row}heading`)}, 0))`;
}

/**
 * Three triggers that add a row's bytes to storage_usage when it is inserted, take them back when
 * it is deleted, and add the difference when one of `columns` changes. `size` is the row's bytes
 * in SQL, given the row's prefix ("new." or "old.").
 */
export function counted(table: string, columns: string, size: (row: "new." | "old.") => string): string {
  const add = (delta: string) =>
    `INSERT INTO storage_usage (only, bytes) VALUES (1, ${delta}) ON CONFLICT (only) DO UPDATE SET bytes = bytes + excluded.bytes;`;
  return `CREATE TRIGGER IF NOT EXISTS storage_${table}_insert AFTER INSERT ON ${table} BEGIN ${add(size("new."))} END;
  CREATE TRIGGER IF NOT EXISTS storage_${table}_delete AFTER DELETE ON ${table} BEGIN ${add(`-${size("old.")}`)} END;
  CREATE TRIGGER IF NOT EXISTS storage_${table}_update AFTER UPDATE OF ${columns} ON ${table} BEGIN ${add(`${size("new.")} - ${size("old.")}`)} END;`;
}
