import { AppError } from "../../contract/errors";
import { accountsStub } from "../auth/accounts";
import { onGuestMerged } from "../auth/user-data";
import type { Person } from "../http/app-types";
import { namedStub, type PlainRpc } from "../rpc";
import { secondsUntilReset } from "./day";
import type { Reservation, SpendLedger, Spender, SpendToday, UsageDay } from "./ledger";

/** Who is spending, as the routes know them: the signed user id and what kind of person that is. */
export interface Payer {
  userId: string;
  person: Person;
}

/** The daily budgets in neurons from the Worker's configuration; 0 = none. */
export interface Budgets {
  guest: number;
  account: number;
  global: number;
}

export function budgetsOf(env: Env): Budgets {
  return {
    guest: nonNegative(env.GUEST_DAILY_NEURONS),
    account: nonNegative(env.ACCOUNT_DAILY_NEURONS),
    global: nonNegative(env.GLOBAL_DAILY_NEURONS),
  };
}

/** Accounts and Access identities were let in by the owner: they get the account budget. */
export function personalLimit(budgets: Budgets, person: Person): number {
  return person.kind === "guest" ? budgets.guest : budgets.account;
}

export function spenderOf({ userId, person }: Payer): Spender {
  if (person.kind === "account") return { key: `account:${person.accountId}`, kind: "account", label: person.name };
  if (person.kind === "access") return { key: `access:${person.email}`, kind: "access", label: person.email };
  return { key: `guest:${userId}`, kind: "guest", label: "" };
}

/** The deployment's one ledger: a singleton, so every request's reservation meets every other's. */
export function ledger(env: Env): LedgerRpc {
  return namedStub<LedgerRpc>(env.SPEND_LEDGER, "deployment");
}

type LedgerRpc = PlainRpc<Pick<SpendLedger, "reserve" | "settle" | "today" | "usage" | "moveToday">>;

/**
 * Reserves the worst case of a model call before it is made, against the person's daily budget and
 * the deployment's, or refuses with a 429 that says which ran out and when it resets.
 */
export async function reserve(env: Env, payer: Payer, neurons: number, now = Date.now(), budgets = budgetsOf(env)): Promise<Reservation> {
  const result = await ledger(env).reserve({
    spender: spenderOf(payer),
    neurons,
    personLimit: personalLimit(budgets, payer.person),
    globalLimit: budgets.global,
    now,
  });
  if (result.ok) return result.reservation;
  const left = Math.max(0, result.limit - result.used);
  const cost = Math.ceil(neurons).toLocaleString("en-US");
  const message =
    result.budget === "global"
      ? `This app has used its budget for today${left > 0 ? ` (this request could cost up to ${cost} neurons; ${left.toLocaleString("en-US")} are left)` : ""}. It resets at 00:00 UTC.`
      : left > 0
        ? `This request could cost up to ${cost} neurons, more than the ${left.toLocaleString("en-US")} left in your budget for today. Lower Max tokens, pick a cheaper model, or wait until 00:00 UTC.`
        : "You have used your budget on this app for today. It resets at 00:00 UTC.";
  throw new AppError("budget_exhausted", message, undefined, secondsUntilReset(now));
}

/** The call ended: count what it actually cost instead of its worst case. */
export async function settle(env: Env, reservation: Reservation, actualNeurons: number): Promise<void> {
  await ledger(env).settle(reservation.id, actualNeurons);
}

export interface BudgetStatus {
  /** The person's daily budget in neurons (0: none) and what they have spent or reserved today. */
  limit: number;
  used: number;
  /** The deployment's. */
  global: { limit: number; used: number };
  resetsInSeconds: number;
}

export async function budgetStatus(env: Env, payer: Payer, now = Date.now()): Promise<BudgetStatus> {
  const budgets = budgetsOf(env);
  const spent: SpendToday = await ledger(env).today(spenderOf(payer).key, now);
  return {
    limit: personalLimit(budgets, payer.person),
    used: spent.person,
    global: { limit: budgets.global, used: spent.global },
    resetsInSeconds: secondsUntilReset(now),
  };
}

export async function usageReport(env: Env, now = Date.now()): Promise<{ budgets: Budgets; days: UsageDay[] }> {
  return { budgets: budgetsOf(env), days: await ledger(env).usage(now, 30) };
}

function nonNegative(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

// A guest who signs in to an account brings today's spend along (worker/auth/user-data.ts).
onGuestMerged.push(async (env, guestId, accountId) => {
  const account = await accountsStub(env).getAccount(accountId);
  const to = spenderOf({
    userId: accountId,
    person: { kind: "account", accountId, name: account?.name ?? "", owner: account?.owner ?? false, approved: true },
  });
  await ledger(env).moveToday(spenderOf({ userId: guestId, person: { kind: "guest", owner: false } }).key, to, Date.now());
});
