import type { ChatMessage } from "../../contract/messages";

/**
 * What a user spent per UTC day, in tokens as Workers AI reports them. Kept in the user's own
 * Durable Object beside the answers that cost them, so a count and its answer are saved together.
 */
export class UsageTable {
  constructor(private readonly sql: SqlStorage) {}

  today(): number {
    return this.sql.exec<{ tokens: number }>(`SELECT tokens FROM usage WHERE day = ?`, utcDay()).toArray()[0]?.tokens ?? 0;
  }

  add(tokens: number): void {
    if (!(tokens > 0)) return;
    this.sql.exec(`INSERT INTO usage (day, tokens) VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET tokens = tokens + excluded.tokens`, utcDay(), Math.round(tokens));
  }

  /** An answer costs what its usage says; a partial one still cost what it streamed. */
  addAnswer(message: ChatMessage): void {
    const usage = message.metadata?.usage;
    this.add(usage?.totalTokens ?? (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
  }
}

export function utcDay(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Seconds until the budget resets, at the next 00:00 UTC. */
export function secondsUntilReset(now = Date.now()): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
}
