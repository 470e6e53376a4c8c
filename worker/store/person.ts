import type { ChatMessage } from "../../contract/messages";
import { builtinTools } from "../tools/builtins";
import { Answers } from "./answers/answers";
import { RunTable, type ThreadKind } from "./answers/run-table";
import type { StepSpend } from "./answers/step-spend";
import { ByteBudget } from "./storage/byte-budget";
import { migrate, type FeatureTables } from "./migrate";
import { Quotas, quotaLimits } from "./storage/quotas";

/** Saves a finished answer (the answers feature: answers/save-answer.ts). */
export type SaveAnswer = (kind: ThreadKind, ownerId: string, message: ChatMessage, steps?: StepSpend, slot?: number) => ChatMessage;

/** A feature of the person's store: a class built with the person, whose public methods are its RPC. */
export type FeatureClass<T extends object = object> = (new (
  person: Person,
) => T) & {
  readonly tables: FeatureTables;
};

/**
 * What every feature of the person's Durable Object is given: the object's own storage and
 * environment, and the few services several features share (the byte budget and quotas every
 * write counts against, the answers being written). Features are built in registration order
 * (./features.ts); one may use another registered before it through `feature()`.
 */
export class Person {
  readonly sql: SqlStorage;
  readonly budget: ByteBudget;
  readonly quotas: Quotas;
  readonly runs: RunTable;
  /** The answers running in this object; saved by the answers feature, stopped by whoever deletes their thread. */
  readonly answers: Answers;
  /** Counts wipes of the whole database (person-data's deleteEverything): what was read before one says nothing after it. */
  generation = 0;
  /** Settings tests change: the store's idea of now for expiry sweeps, the built-in tools, tool limits. */
  readonly seams = {
    clock: { now: () => Date.now() },
    /** The built-in tools a chat answer may call (worker/tools/builtins/); tests put scripted tools here. */
    builtinTools,
    /** Tool limits other than TOOL_LIMITS' (run-tool.ts), for tests that time a tool out. */
    toolLimits: {} as { timeoutMs?: number; outputChars?: number },
  };
  private readonly built = new Map<FeatureClass, object>();
  private readonly alarmJobs: (() => Promise<void>)[] = [];
  private saveAnswer: SaveAnswer | null = null;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
    /** Every registered feature's tables, in registration order. */
    private readonly tables: readonly FeatureTables[],
  ) {
    this.sql = ctx.storage.sql;
    this.migrate();
    const limits = quotaLimits(env);
    this.quotas = new Quotas(this.sql, limits);
    this.budget = new ByteBudget(this.sql, limits.storageBytes);
    this.runs = new RunTable(this.sql);
    this.answers = new Answers(ctx, this.runs, (...args) => {
      if (!this.saveAnswer) throw new Error("No feature saves answers: register the answers feature.");
      return this.saveAnswer(...args);
    });
  }

  /** Brings the database to every feature's latest migration (./migrate.ts): at start, and after a wipe. */
  migrate(): void {
    migrate(this.ctx.storage, this.tables);
  }

  /** Builds a feature (the Durable Object does, in registration order). */
  add<T extends object>(type: FeatureClass<T>): T {
    const built = new type(this);
    this.built.set(type, built);
    return built;
  }

  /** A feature registered before the caller. */
  feature<T extends object>(type: FeatureClass<T>): T {
    const built = this.built.get(type);
    if (!built) throw new Error(`${type.name} is not registered before the feature asking for it (worker/store/features.ts).`);
    return built as T;
  }

  /** A background job the object's one alarm runs, after those registered before it. Each asks for the alarm itself. */
  onAlarm(job: () => Promise<void>): void {
    this.alarmJobs.push(job);
  }

  async alarm(): Promise<void> {
    for (const job of this.alarmJobs) await job();
  }

  /** The one place finished answers are saved (by their run, or by recovery after a restart). */
  savesAnswers(save: SaveAnswer): void {
    this.saveAnswer = save;
  }
}
