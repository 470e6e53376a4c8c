import { describe, expect, it } from "vitest";
import { lastDays, oldestOfLastDays, secondsUntilReset, utcDay } from "./day";

describe("UTC days", () => {
  it("the oldest of the last days is the last of lastDays, across month, year and leap-day boundaries", () => {
    for (const now of [
      Date.UTC(2026, 11, 1, 20),
      Date.UTC(2027, 0, 1, 0, 0, 1),
      Date.UTC(2028, 2, 1, 23, 59, 59),
      Date.UTC(2026, 2, 29, 1),
    ])
      for (const count of [1, 2, 7, 90, 400]) expect(oldestOfLastDays(now, count)).toBe(lastDays(now, count).at(-1));
    expect(oldestOfLastDays(Date.UTC(2028, 2, 1), 2)).toBe("2028-02-29");
  });

  it("a day is the UTC date, and the budgets reset at the next UTC midnight", () => {
    expect(utcDay(Date.UTC(2026, 11, 1, 23, 59, 59))).toBe("2026-12-01");
    expect(secondsUntilReset(Date.UTC(2026, 11, 1, 23, 59, 0))).toBe(60);
  });
});
