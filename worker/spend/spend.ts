import { AppError } from "../../contract/errors";
import type { PersonOverride } from "../../contract/usage";
import { type BecameAccount, onAccountDeleted, onGuestMerged } from "../auth/account-hooks";
import { accountRecord } from "../auth/account-store";
import type { Person } from "../http/app-types";
import { namedStub, type PlainRpc } from "../rpc";
import { allShardNames } from "../shared-state/shard";
import { secondsUntilReset, utcDay } from "./day";
import type { PersonToday, Reservation, SpendLedger, Spender } from "./ledger";
import { LOCAL_ADDRESS } from "./pools";
import { DELETED_PEOPLE, type ShardDay } from "./shard-counters";
import type { UsageLabel } from "./usage-book";

export { LOCAL_ADDRESS } from "./pools";

/** Who is spending, as the routes know them: the signed user id, what kind of person that is, and where they are. */
export interface Payer {
  userId: string;
  person: Person;
  /** The client's address (CF-Connecting-IP), or "local" without one (dev, tests): its budgets apply too. */
  address: string;
  /** What the spend is for (kind and model), recorded with its settled cost for the usage chart. */
  use?: UsageLabel;
}

/** The daily budgets in neurons from the Worker's configuration; 0 = none. */
export interface Budgets {
  guest: number;
  account: number;
  global: number;
  /** Per IPv4 address or IPv6 /64, and per IPv6 /48: whoever spends from there. */
  address: number;
  addressBlock: number;
}

export function budgetsOf(env: Env): Budgets {
  return {
    guest: nonNegative(env.GUEST_DAILY_NEURONS),
    account: nonNegative(env.ACCOUNT_DAILY_NEURONS),
    global: nonNegative(env.GLOBAL_DAILY_NEURONS),
    address: nonNegative(env.ADDRESS_DAILY_NEURONS),
    addressBlock: nonNegative(env.ADDRESS_BLOCK_DAILY_NEURONS),
  };
}

/**
 * Accounts made from an invite, the owner and Access identities were let in by the owner: they get
 * the account budget. A guest, and an account made by open sign-up until the owner approves it, get
 * the guest budget: a script can make those for free.
 */
export function personalLimit(budgets: Budgets, person: Person): number {
  if (person.kind === "guest") return budgets.guest;
  if (person.kind === "account" && !person.approved) return budgets.guest;
  return budgets.account;
}

export function spenderOf({ userId, person }: Pick<Payer, "userId" | "person">): Spender {
  if (person.kind === "account") return { key: `account:${person.accountId}`, kind: "account", label: person.name };
  if (person.kind === "access") return { key: `access:${person.email}`, kind: "access", label: person.email };
  return { key: `guest:${userId}`, kind: "guest", label: "" };
}

/** The name of a person's own ledger (docs: naming after issue 22). */
export function personLedgerName(spenderKey: string): string {
  return `person:${spenderKey}`;
}

type LedgerRpc = PlainRpc<
  Pick<
    SpendLedger,
    | "reserve"
    | "settle"
    | "adjust"
    | "today"
    | "peekToday"
    | "moveOut"
    | "usage"
    | "lent"
    | "draw"
    | "giveBack"
    | "chart"
    | "setOverride"
    | "people"
    | "keptUses"
    | "addUses"
    | "dropUses"
    | "forget"
  >
>;

/** A SpendLedger instance by name: `person:<key>`, `budget:N` or `addresses:N`. */
export function ledgerNamed(env: Env, name: string): LedgerRpc {
  return namedStub<LedgerRpc>(env.SPEND_LEDGER, name);
}

/**
 * Reserves the worst case of a model call before it is made, against the person's daily budget,
 * their address's and the deployment's, or refuses with a 429 that says which ran out and when it
 * resets. Only the person's own ledger is called; it draws from shared counters rarely (leases).
 */
export async function reserve(env: Env, payer: Payer, neurons: number, now = Date.now(), budgets = budgetsOf(env)): Promise<Reservation> {
  const spender = spenderOf(payer);
  const ledger = personLedgerName(spender.key);
  const result = await ledgerNamed(env, ledger).reserve({
    ledger,
    spender,
    neurons,
    personLimit: personalLimit(budgets, payer.person),
    budgets: { global: budgets.global, address: budgets.address, addressBlock: budgets.addressBlock },
    address: payer.address ?? LOCAL_ADDRESS,
    now,
    use: payer.use,
  });
  if (result.ok) return result.reservation;
  if (result.budget === "blocked") throw new AppError("person_blocked");
  const left = Math.max(0, result.limit - result.used);
  const cost = Math.ceil(neurons).toLocaleString("en-US");
  const message =
    result.budget === "global"
      ? `This app has used its budget for today${left > 0 ? ` (this request could cost up to ${cost} neurons; ${left.toLocaleString("en-US")} are left)` : ""}. It resets at 00:00 UTC.`
      : result.budget === "address"
        ? `So much has been spent from your network today that this request (up to ${cost} neurons) cannot be made; each network has ${result.limit.toLocaleString("en-US")} neurons a day. It resets at 00:00 UTC.`
        : left > 0
          ? `This request could cost up to ${cost} neurons, more than the ${left.toLocaleString("en-US")} left in your budget for today. Lower Max tokens, pick a cheaper model, or wait until 00:00 UTC.`
          : "You have used your budget on this app for today. It resets at 00:00 UTC.";
  throw new AppError("budget_exhausted", message, undefined, secondsUntilReset(now));
}

/**
 * The call ended: count what it actually cost instead of its worst case, in the ledger the
 * reservation's id names. An id from before per-person ledgers (no name in it) settled against the
 * old deployment-wide ledger, whose counters no longer decide anything: there is nothing to correct.
 */
export async function settle(env: Env, reservation: Reservation, actualNeurons: number): Promise<void> {
  const cut = reservation.id.lastIndexOf("|");
  if (cut < 0) return;
  const settled = await ledgerNamed(env, reservation.id.slice(0, cut)).settle(reservation.id, actualNeurons);
  if (settled?.movedTo && settled.delta !== 0) await ledgerNamed(env, settled.movedTo).adjust(settled.day, settled.delta, null);
}

export interface BudgetStatus {
  /** The person's daily budget in neurons (0: none) and what they have spent or reserved today. */
  limit: number;
  used: number;
  /**
   * The deployment's. Its spend is not tallied on anyone's request path (people lease slices of it),
   * so `used` is `limit` once this person's ledger has found every slice spent today, and 0 until then.
   */
  global: { limit: number; used: number };
  resetsInSeconds: number;
}

/**
 * A visitor with no session has spent nothing and never will as a visitor (a write makes a guest
 * first): answered without any object, since every cookieless page load would otherwise meet the one
 * ledger named for the shared visitor id, which bench:scale found to be the busiest object after the rewrite.
 */
export function unspentBudgetStatus(env: Env, person: Payer["person"], now = Date.now()): BudgetStatus {
  const budgets = budgetsOf(env);
  return {
    limit: personalLimit(budgets, person),
    used: 0,
    global: { limit: budgets.global, used: 0 },
    resetsInSeconds: secondsUntilReset(now),
  };
}

/** Read from the person's own ledger only. */
export async function budgetStatus(env: Env, payer: Pick<Payer, "userId" | "person">, now = Date.now()): Promise<BudgetStatus> {
  const budgets = budgetsOf(env);
  const today: PersonToday = await ledgerNamed(env, personLedgerName(spenderOf(payer).key)).today(now);
  return {
    // A blocked person has nothing left; an owner's budget for them replaces the configured one.
    limit: today.override?.blocked ? 1 : (today.override?.dailyLimit ?? personalLimit(budgets, payer.person)),
    used: today.override?.blocked ? 1 : today.used,
    global: { limit: budgets.global, used: budgets.global > 0 && today.globalSpent ? budgets.global : 0 },
    resetsInSeconds: secondsUntilReset(now),
  };
}

export interface UsageDay {
  day: string;
  /** What people reported: each person's day as of their last lease draw or idle report. */
  total: number;
  guests: number;
  /** Accounts and Access identities, dearest first. */
  people: { key: string; kind: "account" | "access"; label: string; neurons: number }[];
  /** Neurons of the global budget lent to people's ledgers and not given back: what counts against the cap. */
  leased: number;
}

/**
 * The owner's usage page: visits every `budget:N` shard (owner-only, never on a request path).
 * People's figures are as of their last lease draw or their ledger's last idle report (IDLE_MS).
 */
export async function usageReport(env: Env, now = Date.now()): Promise<{ budgets: Budgets; days: UsageDay[]; asOf: string }> {
  const shards: ShardDay[][] = await Promise.all(allShardNames("budget").map((name) => ledgerNamed(env, name).usage(now, 30)));
  const days = shards[0].map(({ day }, i) => {
    const reported = shards.flatMap((shard) => shard[i].reported);
    return {
      day,
      total: reported.reduce((sum, r) => sum + r.neurons, 0),
      guests: reported.filter((r) => r.kind === "guest").reduce((sum, r) => sum + r.neurons, 0),
      // Deleted accounts' days count in the totals, under no name.
      people: reported
        .filter((r): r is typeof r & { kind: "account" | "access" } => r.kind !== "guest" && r.key !== DELETED_PEOPLE)
        .map((r) => ({ key: r.key, kind: r.kind, label: r.label, neurons: r.neurons }))
        .sort((a, b) => b.neurons - a.neurons),
      leased: shards.reduce((sum, shard) => sum + shard[i].leased, 0),
    };
  });
  return {
    budgets: budgetsOf(env),
    days,
    asOf: "Each person's spend as their ledger last reported it: when it last drew from the global budget, or after 5 quiet minutes.",
  };
}

/**
 * A guest signed in to an account: what the guest spent today (and any answer still running) is
 * counted on the account from now on, so signing in is never a way to a fresh budget. Added to the
 * account before it leaves the guest, so a failure in between counts it twice, never not at all.
 */
export async function moveToday(env: Env, guestId: string, accountId: string, now = Date.now()): Promise<void> {
  const from = ledgerNamed(env, personLedgerName(`guest:${guestId}`));
  const to = personLedgerName(`account:${accountId}`);
  const { day, neurons, seq } = await from.peekToday(now);
  if (neurons > 0) await ledgerNamed(env, to).adjust(day, neurons, { key: `account:${accountId}`, kind: "account", label: "" });
  await from.moveOut(day, neurons, seq, to);
  // Its whole chart by kind and model follows, the same way round, so the person sees their 30 days and
  // a deleted account takes them along (a settlement still running stays with the guest's chart).
  const days = await from.keptUses(now);
  if (days.length) {
    await ledgerNamed(env, to).addUses(days);
    await from.dropUses(days.map((d) => d.day));
  }
}

/**
 * The owner's decision about a guest follows them into an account they make (sign-up): sign-up costs
 * one click, so a blocked guest would otherwise be unblocked by it, and a budget the owner lowered
 * would go back up. Signing in to an existing account does not: that account is a named person the
 * owner judges (and can block) on its own, and the guest's block may be about whoever else used that
 * browser; nor does signing in escape anything, since every request after it is spent as that
 * account. Should the account have a decision already (a retried merge), the stricter of the two holds.
 */
export async function moveOverride(env: Env, guestId: string, accountId: string, how: BecameAccount, now = Date.now()): Promise<void> {
  if (how !== "sign-up") return;
  const { override } = await ledgerNamed(env, personLedgerName(`guest:${guestId}`)).today(now);
  if (!override) return;
  const key = `account:${accountId}`;
  const account = ledgerNamed(env, personLedgerName(key));
  // Named first, so the owner's list shows the account by name: a blocked one never reserves, which is how a ledger learns it.
  const name = (await accountRecord(env, accountId))?.name ?? "";
  await account.adjust(utcDay(now), 0, { key, kind: "account", label: name });
  await account.setOverride(key, stricter(override, (await account.today(now)).override ?? null), now);
}

function stricter(a: PersonOverride, b: PersonOverride | null): PersonOverride {
  if (!b) return a;
  const limits = [a.dailyLimit, b.dailyLimit].filter((limit): limit is number => limit !== null);
  return { blocked: a.blocked || b.blocked, dailyLimit: limits.length ? Math.min(...limits) : null };
}

/**
 * An account was deleted: its ledger (day totals, reservations, chart, the owner's decision, its
 * name) is wiped and its home shard's reports of it fold into the deleted people's day totals
 * (docs/decisions.md, "Usage and the owner's controls").
 */
export async function forgetAccountSpend(env: Env, accountId: string, now = Date.now()): Promise<void> {
  const key = `account:${accountId}`;
  await ledgerNamed(env, personLedgerName(key)).forget(key, now);
}

function nonNegative(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

// A guest who signs in to an account brings today's spend along, and the owner's decision about them
// when the account is new (worker/store/person-data/user-data.ts); a deleted account leaves no spend behind.
onGuestMerged.push(async (env, guestId, accountId, how) => {
  await moveToday(env, guestId, accountId);
  await moveOverride(env, guestId, accountId, how ?? "sign-in");
});
onAccountDeleted.push((env, userId) => forgetAccountSpend(env, userId));
