import type { Memory, MemoryList, MemoryWrite } from "../../../contract/memory";
import { MEMORY_LIMITS } from "../../../contract/memory";
import { AppError } from "../../../contract/errors";
import { resolveAiBackend } from "../../ai/backend";
import { outcome } from "../../connectors/outcome";
import type { TurnPayer } from "../answers/turn";
import { Conversations } from "../conversations/feature";
import type { Person } from "../person";
import { EMBED_BATCH } from "../../retrieval/embed";
import { log } from "../../log";
import { fromQuotaRefusal } from "../../quota-refusal";
import { embedMemories, embedWritten, MEMORY_EMBEDDING_MODEL } from "./embed";
import { MemoryTable } from "./memory-table";
import { MEMORY_TABLES } from "./schema";
import { suggestMemories } from "./suggest";
import { MemoryVectors } from "./vectors";

/**
 * Settings → Memory: what the assistant remembers about the person. Every write is checked against
 * the byte budget in one transaction (a refused write leaves nothing behind); errors cross the RPC
 * as data (an Outcome), so the route answers with their code and sentence. A memory written with
 * a payer is embedded at once (./embed.ts), so questions close to it in meaning find it; one the
 * budget or the model refuses is kept all the same, found by keywords until a question embeds it.
 */
export class Memories {
  static readonly tables = MEMORY_TABLES;
  readonly table: MemoryTable;
  readonly vectors: MemoryVectors;

  constructor(private readonly person: Person) {
    this.table = new MemoryTable(person.sql, MEMORY_EMBEDDING_MODEL);
    this.vectors = new MemoryVectors(person.sql, MEMORY_EMBEDDING_MODEL);
  }

  listMemories(): MemoryList {
    return {
      enabled: this.table.enabled(),
      memories: this.table.list(),
      limits: { perPerson: MEMORY_LIMITS.perPerson, chars: MEMORY_LIMITS.chars },
    };
  }

  /** `payer` pays for its embedding; without one (the remember tool, mid-answer) the next question embeds it. */
  addMemory(text: string, payer?: TurnPayer) {
    return outcome(async (): Promise<MemoryWrite> => {
      const memory = this.#write("This memory", () => this.table.add(text, this.person.seams.clock.now()))!;
      return embedWritten(this.person.env, payer, memory, this.table, this.vectors);
    });
  }

  /** Null when there is no such memory. An edit drops the old text's vector (./schema.ts) and embeds the new text. */
  editMemory(id: string, text: string, payer?: TurnPayer) {
    return outcome(async (): Promise<MemoryWrite | null> => {
      const memory = this.#write("This memory", () => this.table.edit(id, text, this.person.seams.clock.now()));
      return memory && embedWritten(this.person.env, payer, memory, this.table, this.vectors);
    });
  }

  /**
   * The all-data archive's memories (worker/transfer/restore.ts): each added as Settings → Memory
   * adds one (checked, deduplicated, within the limits and the byte budget), then embedded in
   * batches, paid by `payer`; a refused or failed batch leaves the rest to later questions. Stops
   * at the first limit and says which.
   */
  importMemories(texts: string[], payer: TurnPayer) {
    return outcome(async () => {
      const added: Memory[] = [];
      let already = 0;
      let skipped = 0;
      let stopped: string | undefined;
      for (const [i, text] of texts.entries()) {
        const before = this.table.count();
        try {
          const memory = this.#write("This memory", () => this.table.add(text, this.person.seams.clock.now()))!;
          if (this.table.count() > before) added.push(memory);
          else already++;
        } catch (error) {
          const refused = fromQuotaRefusal(error) ?? (error instanceof AppError ? error : null);
          if (!refused) throw error;
          if (refused.code === "bad_request") {
            skipped++;
            continue;
          }
          skipped += texts.length - i;
          stopped = refused.message;
          break;
        }
      }
      let embedded = 0;
      for (let start = 0; start < added.length; start += EMBED_BATCH) {
        const batch = added.slice(start, start + EMBED_BATCH);
        try {
          await embedMemories(this.person.env, payer, batch, this.table, this.vectors);
          embedded += batch.length;
        } catch (error) {
          log("memory.import_embed_failed", { memories: added.length - start, detail: String(error).slice(0, 200) });
          break;
        }
      }
      return { added: added.length, already, skipped, embedded, stopped };
    });
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
