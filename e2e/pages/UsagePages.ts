import { expect, type Locator, type Page } from "@playwright/test";

/** The usage pages as a person sees them (app/usage/): found by role and accessible name only. */
export class UsagePages {
  constructor(readonly page: Page) {}

  /** The chart's table (what a screen reader reads instead of the picture); `who`: "Your" or "Everybody's". */
  chartTable(who: "Your" | "Everybody's"): Locator {
    return this.page.getByRole("table", { name: new RegExp(`^${who} last 30 days, by`) });
  }

  /** Today's figure in the table's `column` (the day's total when "Total"), read by header position. */
  async todayIn(table: Locator, column: string): Promise<number> {
    const headers = await table.getByRole("columnheader").allTextContents();
    const index = headers.indexOf(column);
    expect(index, `no column ${column} in ${headers.join(", ")}`).toBeGreaterThan(0);
    const row = table.getByRole("row", { name: new RegExp(`^${today()}`) });
    // The row header is the first cell of the row; data cells follow it.
    const text = await row
      .getByRole("cell")
      .nth(index - 1)
      .textContent();
    return Number((text ?? "").replace(/,/g, ""));
  }

  person(name: string): Locator {
    return this.page.getByRole("table", { name: "People by spend, with their daily budgets" }).getByRole("row", { name: new RegExp(name) });
  }
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
