import type { Assistant } from "../../../contract/assistants";

/** The person's own assistants as rows: each kept whole as JSON, oldest first. */
export class AssistantTable {
  constructor(private readonly sql: SqlStorage) {}

  list(): Assistant[] {
    return this.sql
      .exec<Row>(`SELECT body FROM assistants ORDER BY created_at, id`)
      .toArray()
      .map((row) => JSON.parse(row.body) as Assistant);
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM assistants`).one().n;
  }

  get(id: string): Assistant | null {
    const row = this.sql.exec<Row>(`SELECT body FROM assistants WHERE id = ?`, id).toArray()[0];
    return row ? (JSON.parse(row.body) as Assistant) : null;
  }

  insert(assistant: Assistant): void {
    this.sql.exec(
      `INSERT INTO assistants (id, created_at, body) VALUES (?, ?, ?)`,
      assistant.id,
      assistant.createdAt,
      JSON.stringify(assistant),
    );
  }

  replace(assistant: Assistant): void {
    this.sql.exec(`UPDATE assistants SET body = ? WHERE id = ?`, JSON.stringify(assistant), assistant.id);
  }

  delete(id: string): boolean {
    return this.sql.exec(`DELETE FROM assistants WHERE id = ?`, id).rowsWritten > 0;
  }
}

interface Row extends Record<string, SqlStorageValue> {
  body: string;
}
