import type { Memory, MemoryList } from "../../../contract/memory";
import { MEMORY_LIMITS } from "../../../contract/memory";
import { outcome } from "../../connectors/outcome";
import type { Person } from "../person";
import { MemoryTable } from "./memory-table";
import { MEMORY_TABLES } from "./schema";

/**
 * Settings → Memory: what the assistant remembers about the person. Every write is checked against
 * the byte budget in one transaction (a refused write leaves nothing behind); errors cross the RPC
 * as data (an Outcome), so the route answers with their code and sentence.
 */
export class Memories {
  static readonly tables = MEMORY_TABLES;
  readonly table: MemoryTable;

  constructor(private readonly person: Person) {
    this.table = new MemoryTable(person.sql);
  }

  listMemories(): MemoryList {
    return {
      enabled: this.table.enabled(),
      memories: this.table.list(),
      limits: { perPerson: MEMORY_LIMITS.perPerson, chars: MEMORY_LIMITS.chars },
    };
  }

  addMemory(text: string) {
    return outcome(() => this.#write("This memory", () => this.table.add(text, this.person.seams.clock.now())));
  }

  editMemory(id: string, text: string) {
    return outcome(() => this.#write("This memory", () => this.table.edit(id, text, this.person.seams.clock.now())));
  }

  deleteMemory(id: string): boolean {
    return this.table.delete(id);
  }

  setMemoryEnabled(enabled: boolean): MemoryList {
    this.table.setEnabled(enabled);
    return this.listMemories();
  }

  /** Stores `write`'s rows only if they fit the person's byte budget; the same transaction checks and writes. */
  #write(what: string, write: () => Memory | null): Memory | null {
    return this.person.ctx.storage.transactionSync(() => this.person.budget.within(what, write));
  }
}
