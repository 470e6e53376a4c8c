import { AppError } from "../../../contract/errors";
import { randomId } from "../../../contract/ids";
import { type Memory, MEMORY_LIMITS, memoryTextSchema } from "../../../contract/memory";

interface MemoryRow {
  id: string;
  text: string;
  created_at: number;
  updated_at: number;
  embedded: number;
  [key: string]: SqlStorageValue;
}

/**
 * The memories table and the on/off setting (./schema.ts), with the limits every write checks. Each
 * memory is read with whether it has an embedding of `model` (./vectors.ts).
 */
export class MemoryTable {
  constructor(
    private readonly sql: SqlStorage,
    private readonly model: string,
  ) {}

  list(): Memory[] {
    // Ties (memories added in the same millisecond, as an import does) in the order they were added.
    return this.#select(`ORDER BY m.created_at, m.rowid`).map(toMemory);
  }

  get(id: string): Memory | null {
    const row = this.#select(`WHERE m.id = ?`, id)[0];
    return row ? toMemory(row) : null;
  }

  #select(rest: string, ...bindings: SqlStorageValue[]): MemoryRow[] {
    return this.sql
      .exec<MemoryRow>(
        `SELECT m.*, v.memory_id IS NOT NULL AS embedded FROM memories m
         LEFT JOIN memory_vectors v ON v.memory_id = m.id AND v.model = ? ${rest}`,
        this.model,
        ...bindings,
      )
      .toArray();
  }

  count(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM memories`).one().n;
  }

  /** Refuses a 201st memory with the limit in words; an identical memory already kept is returned, not stored twice. */
  add(text: string, now: number): Memory {
    const clean = checkedText(text);
    const same = this.#select(`WHERE m.text = ?`, clean)[0];
    if (same) return toMemory(same);
    if (this.count() >= MEMORY_LIMITS.perPerson) throw new AppError("too_many_memories");
    const memory: Memory = { id: randomId(), text: clean, createdAt: now, updatedAt: now, embedded: false };
    this.sql.exec(`INSERT INTO memories (id, text, created_at, updated_at) VALUES (?, ?, ?, ?)`, memory.id, clean, now, now);
    return memory;
  }

  edit(id: string, text: string, now: number): Memory | null {
    const clean = checkedText(text);
    if (!this.sql.exec(`UPDATE memories SET text = ?, updated_at = ? WHERE id = ?`, clean, now, id).rowsWritten) return null;
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.sql.exec(`DELETE FROM memories WHERE id = ?`, id).rowsWritten > 0;
  }

  enabled(): boolean {
    return this.sql.exec<{ enabled: number }>(`SELECT enabled FROM memory_settings WHERE only = 1`).toArray()[0]?.enabled !== 0;
  }

  setEnabled(enabled: boolean): void {
    this.sql.exec(
      `INSERT INTO memory_settings (only, enabled) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET enabled = excluded.enabled`,
      enabled ? 1 : 0,
    );
  }
}

/** The same rule the routes apply (contract/memory.ts), for writes that come from the model's `remember` tool. */
function checkedText(text: string): string {
  const parsed = memoryTextSchema.safeParse(text);
  if (!parsed.success)
    throw new AppError("bad_request", `The memory was not saved: ${parsed.error.issues[0]?.message ?? "it is not valid"}.`);
  return parsed.data;
}

function toMemory(row: MemoryRow): Memory {
  return { id: row.id, text: row.text, createdAt: row.created_at, updatedAt: row.updated_at, embedded: row.embedded === 1 };
}
