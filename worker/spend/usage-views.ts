import type { DeploymentUsage, MyUsage, PersonOverride, UsageChartDay } from "../../contract/usage";
import { PEOPLE_LISTED } from "../../contract/usage";
import { allShardNames } from "../shared-state/shard";
import { budgetStatus, ledgerNamed, personLedgerName, spenderOf, type Payer } from "./spend";

const CHART_DAYS = 30;

/** The caller's own chart and today's budget: one call to their own ledger, one for the status. */
export async function myUsage(env: Env, payer: Pick<Payer, "userId" | "person">, now = Date.now()): Promise<MyUsage> {
  const ledger = ledgerNamed(env, personLedgerName(spenderOf(payer).key));
  const [days, status, today] = await Promise.all([ledger.chart(now, CHART_DAYS), budgetStatus(env, payer, now), ledger.today(now)]);
  const blocked = today.override?.blocked === true;
  return {
    days,
    today: {
      limit: blocked ? 0 : status.limit,
      used: today.used,
      left: blocked ? 0 : status.limit > 0 ? Math.max(0, status.limit - status.used) : null,
      blocked,
      resetsInSeconds: status.resetsInSeconds,
    },
  };
}

/**
 * The owner's page: every `budget:N` shard's people and their days by kind and model, merged. Rare
 * and owner-only, so reading across shards is fine here; bounded by the people each shard lists.
 */
export async function deploymentUsage(env: Env, now = Date.now()): Promise<DeploymentUsage> {
  const shards = await Promise.all(allShardNames("budget").map((name) => ledgerNamed(env, name).people(now, CHART_DAYS, PEOPLE_LISTED)));
  const days: UsageChartDay[] = shards[0].days.map(({ day }, i) => {
    const sums = new Map<string, UsageChartDay["slices"][number]>();
    for (const slice of shards.flatMap((shard) => shard.days[i].slices)) {
      const key = `${slice.kind}|${slice.model}`;
      const seen = sums.get(key);
      sums.set(key, seen ? { ...seen, neurons: seen.neurons + slice.neurons } : { ...slice });
    }
    return { day, slices: [...sums.values()].sort((a, b) => b.neurons - a.neurons) };
  });
  const people = shards
    .flatMap((shard) => shard.people)
    .sort((a, b) => b.month - a.month || b.today - a.today)
    .slice(0, PEOPLE_LISTED);
  const reports = shards.map((shard) => shard.updatedAt).filter((at): at is number => at !== null);
  return {
    days,
    people,
    asOf: "Each person's spend as their ledger last reported it: when it last drew from the global budget, or after 5 quiet minutes.",
    updatedAt: reports.length ? Math.max(...reports) : null,
  };
}

/** The owner's decision for one person, enforced by their own ledger from their next reservation on. */
export async function setPersonOverride(env: Env, key: string, override: PersonOverride, now = Date.now()): Promise<void> {
  await ledgerNamed(env, personLedgerName(key)).setOverride(key, override, now);
}
