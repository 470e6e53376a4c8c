import { DurableObject } from "cloudflare:workers";
import { namedStub, type PlainRpc } from "../rpc";
import { SHARD_COUNTS, shardName } from "../shared-state/shard";
import { utcDay } from "./day";
import { DRY_MS, IDLE_MS, leaseWant, sawDry, type Pool } from "./leases";
import { type Giveback, PERSON_TABLES, PersonBook, PersonOverLimit, type Spender } from "./person-book";
import { poolsOf, type SharedBudgets } from "./pools";
import { type DayReport, type DrawRequest, SHARD_TABLES, ShardCounters } from "./shard-counters";
import { KEEP_USAGE_DAYS, USAGE_TABLES, UsageBook, type UsageLabel } from "./usage-book";
import type { PersonOverride, UsageChartDay } from "../../contract/usage";

export type { Spender } from "./person-book";

export interface ReserveRequest {
  /** This instance's own name (`person:<spenderKey>`): reservation ids carry it, so a settlement finds its way back. */
  ledger: string;
  spender: Spender;
  neurons: number;
  /** The person's daily limit in neurons; 0 = none. Passed in, so the Worker's configuration decides it. */
  personLimit: number;
  /** The shared budgets the reservation must also fit in, and the client's address (pools, ./pools.ts, are made here: a smaller call). */
  budgets: SharedBudgets;
  address: string;
  now: number;
  /** What the call is for, recorded with its settled cost (the usage chart); absent: "other". */
  use?: UsageLabel;
}

/** A granted reservation. Its id is `<ledger name>|<uuid>`: everything a settlement needs, even from a stored id. */
export interface Reservation {
  id: string;
  neurons: number;
}

/** `blocked`: the owner has blocked this person (limit and used are 0). */
export type Refusal = { ok: false; budget: "person" | "global" | "address" | "blocked"; limit: number; used: number };
export type ReserveResult = { ok: true; reservation: Reservation } | Refusal;

export interface PersonToday {
  used: number;
  /** Every budget shard has told this person it has nothing left today (so the global budget is spent, as far as they can tell). */
  globalSpent: boolean;
  /** The owner's override for this person, if any. */
  override?: PersonOverride | null;
}

type ShardRpc = PlainRpc<Pick<SpendLedger, "draw" | "giveBack" | "report" | "forgetPerson">>;

/** The one row a deleted account's ledger keeps: it names nobody, and it stops anything being written here again. */
const LEDGER_TABLES = `
  CREATE TABLE IF NOT EXISTS person_meta (only INTEGER PRIMARY KEY CHECK (only = 1), spender TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS ledger_forgotten (only INTEGER PRIMARY KEY CHECK (only = 1));
`;

/**
 * The spend ledger, in neurons, as many Durable Objects of one class; an instance's name says its role
 * (docs: naming after issue 22):
 *
 * - `person:<spenderKey>`: one person's day total, their open reservations and their leases. Every
 *   reservation and settlement happens here, so one person's burst touches nobody else's object.
 * - `budget:N`: a slice of the deployment's daily budget, lent to people's ledgers, and their day
 *   totals as last reported (the owner's usage page).
 * - `addresses:N`: the daily budgets of the client-address buckets hashed there, lent the same way.
 *
 * A reservation counts its worst case until settled. One never settled (the Worker died mid-answer)
 * keeps counting in full until its day ends: the model may have run to the end.
 *
 * Concurrency: a person's reservation is checked and counted (on the person and on every pool) in
 * one synchronous step before any await; only then does it draw what its pools lack from shards.
 * While it awaits, other calls may run in this object, but they see its amount already counted, so
 * two reservations can never both use the same room. A refused one is rolled back.
 */
export class SpendLedger extends DurableObject<Env> {
  private readonly book: PersonBook;
  private readonly counters: ShardCounters;
  private readonly uses: UsageBook;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Each instance has every role's tables; those of other roles stay empty.
    ctx.storage.sql.exec(`${PERSON_TABLES}${SHARD_TABLES}${USAGE_TABLES}${LEDGER_TABLES}`);
    this.book = new PersonBook(ctx.storage.sql);
    this.counters = new ShardCounters(ctx.storage.sql);
    this.uses = new UsageBook(ctx.storage.sql);
  }

  // ---- person:<spenderKey> ----

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const amount = Math.max(0, Math.ceil(req.neurons));
    const day = utcDay(req.now);
    const pools = poolsOf(req.spender.key, req.address, req.budgets);
    const id = `${req.ledger}|${crypto.randomUUID()}`;
    // A deleted account's ledger: only a request already under way when it went can get here; it writes nothing.
    if (this.forgotten()) return { ok: false, budget: "person", limit: 0, used: 0 };
    // The owner's decision is read here, where every reservation of this person is decided: it holds from the next one on.
    const override = this.override();
    if (override?.blocked) return { ok: false, budget: "blocked", limit: 0, used: 0 };
    const personLimit = override?.dailyLimit ?? req.personLimit;
    let counted: { before: number; shorts: Map<string, number> };
    try {
      counted = this.ctx.storage.transactionSync(() => {
        const counted = this.book.deduct(id, day, req.now, req.spender, amount, pools, personLimit);
        if (req.use) this.uses.label(id, req.use);
        this.remember(req.spender);
        return counted;
      });
    } catch (error) {
      if (error instanceof PersonOverLimit) return { ok: false, budget: "person", limit: personLimit, used: error.used };
      throw error;
    }
    const { before: mine, shorts } = counted;
    this.idleLater();
    const personRoom = personLimit > 0 ? Math.max(0, personLimit - mine - amount) : Number.POSITIVE_INFINITY;
    let refusals: (Refusal | null)[];
    try {
      refusals = await Promise.all(pools.map((pool) => this.cover(day, pool, personRoom, amount, req, shorts.get(pool.name))));
    } catch (error) {
      this.ctx.storage.transactionSync(() => this.book.rollback(id, req.spender));
      throw error;
    }
    const refusal = refusals.find((r) => r?.budget === "address") ?? refusals.find((r) => r !== null);
    if (refusal) {
      this.ctx.storage.transactionSync(() => this.book.rollback(id, req.spender));
      return refusal;
    }
    return { ok: true, reservation: { id, neurons: amount } };
  }

  /** Settles here; when a merge moved this person's day to an account, says where the change belongs. */
  settle(id: string, actualNeurons: number): { day: string; delta: number; movedTo: string | null } | null {
    const actual = Math.max(0, Math.ceil(actualNeurons));
    const settled = this.ctx.storage.transactionSync(() => {
      const settled = this.book.settle(id, actual);
      if (settled) this.uses.settled(id, settled.day, actual);
      return settled;
    });
    if (settled) this.idleLater();
    return settled;
  }

  /** Adds to (or takes from) the person's day: a guest's day moving in, or a moved reservation's settlement. */
  adjust(day: string, delta: number, spender: Spender | null): void {
    if (this.forgotten()) return;
    if (spender) {
      this.book.addSpent(day, spender, delta);
      this.remember(spender);
    } else this.book.addSpent(day, { kind: this.remembered()?.kind ?? "account", label: "" }, delta);
  }

  today(now: number): PersonToday {
    const day = utcDay(now);
    return {
      used: this.book.spent(day),
      globalSpent: this.book.dryShards(day, "global", now) >= SHARD_COUNTS.budget,
      override: this.override(),
    };
  }

  /** The person's whole kept chart, and its moving in or out with a guest who becomes an account (`moveToday`). */
  keptUses(now: number): UsageChartDay[] {
    return this.uses.days(now, KEEP_USAGE_DAYS).filter((d) => d.slices.length > 0);
  }

  addUses(days: UsageChartDay[]): void {
    if (this.forgotten()) return;
    this.ctx.storage.transactionSync(() => {
      for (const { day, slices } of days) this.uses.add(day, slices);
    });
  }

  dropUses(days: string[]): void {
    this.ctx.storage.transactionSync(() => {
      for (const day of days) this.uses.drop(day);
    });
  }

  /** The person's last `days` days by kind and model (their usage chart), oldest first. */
  chart(now: number, days: number): UsageChartDay[] {
    return this.uses.days(now, days);
  }

  /**
   * The owner's decision for this person, from their next reservation on. Told to the person's home
   * budget shard at once, so the owner's list shows it (`key`: whose ledger this is, for one never used).
   */
  async setOverride(key: string, override: PersonOverride, now: number): Promise<void> {
    // An owner's page opened before the account was deleted must not bring its name back to the list.
    if (this.forgotten()) return;
    this.uses.setOverride(override);
    this.overrideCache = this.uses.override();
    const spender = this.remembered() ?? { key, kind: key.slice(0, key.indexOf(":")) as Spender["kind"], label: "" };
    await this.shard(shardName("budget", spender.key)).report(this.dayReport(utcDay(now), spender));
  }

  /** What a merge would move: today's total so far and the last reservation it includes. */
  peekToday(now: number): { day: string; neurons: number; seq: number } {
    const day = utcDay(now);
    return { day, neurons: this.book.spent(day), seq: this.book.lastSeq() };
  }

  moveOut(day: string, neurons: number, upToSeq: number, to: string): void {
    this.ctx.storage.transactionSync(() => this.book.moveOut(day, neurons, upToSeq, to));
  }

  /**
   * Idle for IDLE_MS: gives the leases' unused room back to their shards and reports the day to the
   * person's home budget shard. Taken out of the leases first, so a reservation arriving meanwhile
   * draws anew; a give-back that fails loses its room (the cap errs on the safe side).
   */
  override async alarm(): Promise<void> {
    // The alarm that ran is gone: the next call sets one again.
    this.alarmAt = 0;
    if (this.forgotten()) return;
    const now = Date.now();
    const day = utcDay(now);
    const back = this.ctx.storage.transactionSync(() => {
      const taken = this.book.takeUnused(day);
      this.book.prune(day);
      this.uses.prune(day);
      return taken;
    });
    const spender = this.remembered();
    const home = spender ? shardName("budget", spender.key) : null;
    const report = spender ? this.dayReport(day, spender) : undefined;
    const byShard = new Map<string, Giveback[]>();
    for (const item of back) byShard.set(item.shard, [...(byShard.get(item.shard) ?? []), item]);
    if (home && !byShard.has(home)) byShard.set(home, []);
    await Promise.all([...byShard].map(([shard, items]) => this.shard(shard).giveBack(day, items, shard === home ? report : undefined)));
  }

  /**
   * The person deleted their account: what their leases hold goes back to the shards, their day is
   * reported one last time and their home shard folds it into the deleted people's (DELETED_PEOPLE),
   * then everything here goes, but a mark that makes later calls write nothing (ids are never reused).
   * A failure before the wipe throws, so the deletion stops and a retry does it again.
   */
  async forget(key: string, now: number): Promise<void> {
    if (this.forgotten()) return;
    const day = utcDay(now);
    const back = this.ctx.storage.transactionSync(() => this.book.takeUnused(day));
    const spender = this.remembered() ?? { key, kind: key.slice(0, key.indexOf(":")) as Spender["kind"], label: "" };
    const home = shardName("budget", spender.key);
    const others = new Map<string, Giveback[]>();
    for (const item of back) if (item.shard !== home) others.set(item.shard, [...(others.get(item.shard) ?? []), item]);
    await Promise.all([...others].map(([shard, items]) => this.shard(shard).giveBack(day, items)));
    await this.shard(home).giveBack(
      day,
      back.filter((item) => item.shard === home),
      this.dayReport(day, spender),
    );
    await this.shard(home).forgetPerson(spender.key);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.ctx.storage.sql.exec(`${PERSON_TABLES}${SHARD_TABLES}${USAGE_TABLES}${LEDGER_TABLES}`);
    this.ctx.storage.sql.exec(`INSERT OR IGNORE INTO ledger_forgotten (only) VALUES (1)`);
    this.forgottenCache = true;
    this.known = undefined;
    this.overrideCache = undefined;
    this.alarmAt = 0;
  }

  // ---- budget:N and addresses:N ----

  draw(req: DrawRequest, report?: DayReport): { granted: number; left: number } {
    return this.ctx.storage.transactionSync(() => {
      const drawn = this.counters.draw(req);
      if (report) this.counters.report(report);
      this.counters.prune(req.day);
      return drawn;
    });
  }

  giveBack(day: string, items: Giveback[], report?: DayReport): void {
    this.ctx.storage.transactionSync(() => {
      for (const item of items) this.counters.giveBack(day, item.bucket, item.neurons);
      if (report) this.counters.report(report);
    });
  }

  report(report: DayReport): void {
    this.counters.report(report);
  }

  /** A deleted account's reports: folded into the deleted people's day totals, its key gone (ShardCounters.forget). */
  forgetPerson(key: string): void {
    this.ctx.storage.transactionSync(() => this.counters.forget(key));
  }

  usage(now: number, days: number) {
    return this.counters.usage(now, days);
  }

  people(now: number, days: number, limit: number) {
    return this.counters.people(now, days, limit);
  }

  /** What this shard has lent under `bucket` today and in how many draws (tests, and the usage page). */
  lent(day: string, bucket: string): { lent: number; draws: number } {
    return { lent: this.counters.lent(day, bucket), draws: this.counters.drawsOn(day, bucket) };
  }

  // ---- inside ----

  /** Draws from the pool's shards, home first, until its leases cover every reservation counted on it. */
  /** `knownShort`: the pool's shortfall as `deduct` left it, when nothing can have changed it since (the first turn of the loop). */
  private async cover(
    day: string,
    pool: Pool,
    personRoom: number,
    amount: number,
    req: ReserveRequest,
    knownShort?: number,
  ): Promise<Refusal | null> {
    for (let first = true; ; first = false) {
      const short = first && knownShort !== undefined ? knownShort : this.book.shortfall(day, pool.name);
      if (short <= 0) return null;
      const shard = this.book.nextShard(day, pool, req.now);
      if (!shard) {
        const left = Math.max(0, this.book.room(day, pool.name) + amount);
        return { ok: false, budget: pool.kind, limit: pool.limit, used: Math.max(0, pool.limit - left) };
      }
      const want = leaseWant(short, this.book.draws(day, pool.name), personRoom, shard.limit);
      const report = pool.kind === "global" && shard === pool.shards[0] ? this.dayReport(day, req.spender) : undefined;
      const got = await this.shard(shard.name).draw({ day, bucket: pool.bucket, limit: shard.limit, want }, report);
      // Forgotten meanwhile (the account was deleted): its room stays lent (lost at midnight), nothing is written here.
      if (this.forgotten()) return { ok: false, budget: "person", limit: 0, used: 0 };
      this.book.drew(day, pool, shard, got.granted, got.left > 0 ? 0 : req.now + DRY_MS);
      if (got.left <= 0) sawDry(day, pool.bucket, shard, req.now);
    }
  }

  private dayReport(day: string, spender: Spender): DayReport {
    return { ...spender, day, neurons: this.book.spent(day), uses: this.uses.day(day), override: this.override(), at: Date.now() };
  }

  private shard(name: string): ShardRpc {
    return namedStub<ShardRpc>(this.env.SPEND_LEDGER, name);
  }

  /** When the idle alarm was last set for (0: none set by this instance since it started or the alarm ran). */
  private alarmAt = 0;

  /**
   * Each call pushes the idle alarm back, so it fires once the person has been quiet for IDLE_MS. A
   * busy person's calls move it by a few seconds each: it is written again only when that would move
   * it by a tenth of IDLE_MS or more (it then fires after 4.5 to 5 quiet minutes), not per reservation.
   */
  private idleLater(): void {
    const at = Date.now() + IDLE_MS;
    if (at - this.alarmAt < IDLE_MS / 10) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }

  private known: string | undefined;
  /** The owner's override as last read (undefined: not read yet); this object is its only writer. */
  private overrideCache: PersonOverride | null | undefined;

  private override(): PersonOverride | null {
    if (this.overrideCache === undefined) this.overrideCache = this.uses.override();
    return this.overrideCache;
  }

  /** Who this ledger belongs to, for the idle report (kept when it changes: an account's name may). */
  private remember(spender: Spender): void {
    const text = JSON.stringify(spender);
    if (text === (this.known ??= this.rememberedText())) return;
    this.ctx.storage.sql.exec(`INSERT OR REPLACE INTO person_meta (only, spender) VALUES (1, ?)`, text);
    this.known = text;
  }

  /** Whether the account was deleted (read once per instance: forget() is its only writer). */
  private forgottenCache: boolean | undefined;

  private forgotten(): boolean {
    this.forgottenCache ??= this.ctx.storage.sql.exec(`SELECT 1 FROM ledger_forgotten`).toArray().length > 0;
    return this.forgottenCache;
  }

  private remembered(): Spender | undefined {
    const text = (this.known ??= this.rememberedText());
    return text ? (JSON.parse(text) as Spender) : undefined;
  }

  private rememberedText(): string {
    return this.ctx.storage.sql.exec<{ spender: string }>(`SELECT spender FROM person_meta`).toArray()[0]?.spender ?? "";
  }
}
