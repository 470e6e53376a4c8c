import type { Memory, MemoryList } from "../../../contract/memory";
import { MEMORY_LIMITS } from "../../../contract/memory";
import { AppError } from "../../../contract/errors";
import { resolveAiBackend } from "../../ai/backend";
import { outcome } from "../../connectors/outcome";
import type { TurnPayer } from "../answers/turn";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import { MemoryTable } from "./memory-table";
import { MEMORY_TABLES } from "./schema";
import { suggestMemories } from "./suggest";

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

  /**
   * "Suggest memories" (for conversations with a model that has no tools): candidates from the small
   * model, paid from the person's budget; none is stored until the person keeps it.
   */
  suggestMemories(conversationId: string, payer: TurnPayer) {
    return outcome(async () => {
      const found = this.person.feature(Conversations).getConversation(conversationId);
      if (!found) throw new AppError("not_found", "That conversation does not exist.");
      const kept = this.table.list().map((m) => m.text);
      const { env } = this.person;
      return suggestMemories({ env, binding: resolveAiBackend(env).binding, payer }, found.messages, kept);
    });
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
