import { expect, type Locator, type Page } from "@playwright/test";

/** The "Compare models" dialog of the chat page, found by role and accessible name only. */
export class ComparePanel {
  readonly opener: Locator;
  readonly dialog: Locator;
  readonly question: Locator;

  constructor(readonly page: Page) {
    this.opener = page.getByRole("button", { name: "Compare models" });
    this.dialog = page.getByRole("dialog", { name: "Compare models" });
    this.question = this.dialog.getByRole("textbox", { name: "Question" });
  }

  /** Under the conversation while the dialog is closed with answers side by side: how they stand. */
  get notice(): Locator {
    return this.page.getByRole("status").filter({ hasText: /side by side/ });
  }

  /** The way back to answers side by side after the dialog was closed. */
  get showAgain(): Locator {
    return this.page.getByRole("button", { name: "Show side by side" });
  }

  async open() {
    await this.opener.click();
    await expect(this.dialog).toBeVisible();
  }

  model(n: number): Locator {
    return this.dialog.getByRole("combobox", { name: `Model ${n}` });
  }

  /** One model's answer column: a region named by the model's label. */
  column(label: string): Locator {
    return this.dialog.getByRole("region", { name: new RegExp(`^${label}`) });
  }

  async ask(question: string, models: number) {
    await this.question.fill(question);
    await this.dialog.getByRole("button", { name: `Ask ${models} models` }).click();
  }
}
