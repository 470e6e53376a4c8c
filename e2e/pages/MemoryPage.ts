import { expect, type Locator, type Page } from "@playwright/test";

/** Settings → Memory as a person sees it: found by role and accessible name only. */
export class MemoryPage {
  readonly heading: Locator;
  readonly newMemory: Locator;
  readonly addButton: Locator;
  readonly list: Locator;
  readonly useMemory: Locator;
  readonly status: Locator;
  readonly alert: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { name: "Memory", level: 1 });
    this.newMemory = page.getByRole("textbox", { name: "New memory" });
    this.addButton = page.getByRole("button", { name: "Add memory" });
    this.list = page.getByRole("list", { name: "Your memories" });
    this.useMemory = page.getByRole("checkbox", { name: "Use memory in answers" });
    this.status = page.getByRole("main").getByRole("status");
    this.alert = page.getByRole("alert");
  }

  async goto() {
    await this.page.goto("/memory");
    await expect(this.heading).toBeVisible();
    await expect(this.useMemory).toBeVisible();
  }

  async add(text: string) {
    await this.newMemory.fill(text);
    await this.addButton.click();
    await expect(this.list.getByRole("listitem").filter({ hasText: text })).toBeVisible();
  }

  item(text: string): Locator {
    return this.list.getByRole("listitem").filter({ hasText: text });
  }

  async texts(): Promise<string[]> {
    if (!(await this.list.count())) return [];
    return (await this.list.getByRole("listitem").allInnerTexts()).map((t) => t.replace(/\s*Edit\s*Delete\s*$/, "").trim());
  }
}
