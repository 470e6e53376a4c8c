import { SqliteVectorIndex } from "../../retrieval/sqlite-index";
import { Documents } from "../documents/feature";
import type { FeatureTables } from "../migrate";
import type { Person } from "../person";
import { indexWaiting } from "../conversations/search";
import { exportTables, importTables, type StoreDump } from "./transfer";

/**
 * The person's data as a whole: moving a guest into an account, and deleting everything
 * (worker/store/person-data/user-data.ts runs these across the objects and buckets involved). Registered last:
 * it reaches every table, generically (../transfer.ts).
 */
export class PersonData {
  static readonly tables: FeatureTables = { name: "person-data", migrations: [] };

  constructor(private readonly person: Person) {}

  exportData(): StoreDump {
    return exportTables(this.person.sql);
  }

  /**
   * Takes in a guest's rows (their bytes count here at once, by the triggers; a merge is never refused
   * for the byte budget, the next write is), then makes their documents this person's, moving their
   * vectors to this person's namespace in Vectorize.
   */
  async importData(fromUserId: string, dump: StoreDump) {
    const { ctx, sql } = this.person;
    const documents = this.person.feature(Documents).library;
    // Tables made on first use must exist here, or the import would skip the guest's rows in them.
    void documents.tables;
    new SqliteVectorIndex(sql);
    const result = ctx.storage.transactionSync(() => {
      const imported = importTables(sql, fromUserId, dump);
      documents.tables.indexMissing();
      // Rows the guest's store had not indexed yet (an answer running there) come with their flag.
      indexWaiting(sql);
      return imported;
    });
    const self = ctx.id.name;
    if (!self) throw new Error("A user store without a name cannot take in another's documents.");
    await documents.adopt(fromUserId, self);
    return result;
  }

  /**
   * Everything this person has here, and their vectors in Vectorize (outside the store). After a
   * merge (`vectorsMoved`) the vectors are the account's now, under the same ids: they stay.
   */
  async deleteEverything(options: { vectorsMoved?: boolean } = {}): Promise<void> {
    const { answers, runs, ctx } = this.person;
    for (const kind of ["chat", "vision"] as const)
      for (const row of runs.all().filter((r) => r.kind === kind)) await answers.stopAll(kind, row.owner_id);
    const documents = this.person.feature(Documents).library;
    if (!options.vectorsMoved) await documents.deleteAllVectors();
    this.person.generation++;
    await ctx.storage.deleteAll();
    this.person.generation++;
    documents.forget();
    // This instance may be called again: it needs its (empty) tables back.
    this.person.migrate();
  }
}
