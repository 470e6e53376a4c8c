const DAY_MS = 86_400_000;

/** The last day formatted: every reservation and settlement asks, nearly always for the same day. */
let last = { index: Number.NaN, day: "" };

/** Budgets run per UTC day, as Workers AI's own free allocation does. */
export function utcDay(now: number): string {
  const index = Math.floor(now / DAY_MS);
  if (index !== last.index) last = { index, day: new Date(now).toISOString().slice(0, 10) };
  return last.day;
}

/** Seconds until the budgets reset, at the next 00:00 UTC. */
export function secondsUntilReset(now: number): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
}

/** The `count` UTC days ending with today's, newest first. */
export function lastDays(now: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => utcDay(now - i * DAY_MS));
}

/** The oldest of those days, without formatting the others (the ledger asks on every reservation). */
export function oldestOfLastDays(now: number, count: number): string {
  return utcDay(now - (count - 1) * DAY_MS);
}
