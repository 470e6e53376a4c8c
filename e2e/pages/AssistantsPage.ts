import { expect, type Locator, type Page } from "@playwright/test";

/** The Assistants page (/assistants) as a person sees it: found by role and accessible name only. */
export class AssistantsPage {
  readonly heading: Locator;
  readonly main: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.main = page.getByRole("main");
    this.heading = page.getByRole("heading", { level: 1, name: "Assistants" });
    this.status = page.getByRole("status");
  }

  async goto() {
    await this.page.goto("/assistants");
    await expect(this.heading).toBeVisible();
    await expect(this.card("Translator")).toBeVisible({ timeout: 30_000 });
  }

  /** One assistant's card: a region named by the assistant. */
  card(name: string): Locator {
    return this.main.getByRole("region", { name, exact: true });
  }

  form(title: string): Locator {
    return this.page.getByRole("form", { name: title });
  }

  /** Fills the form's fields that are given; the rest keep what the form started with. */
  async fill(
    form: Locator,
    fields: { name?: string; model?: string; instructions?: string; temperature?: number; tools?: string[] | "every" },
  ) {
    if (fields.name !== undefined) await form.getByLabel("Name").fill(fields.name);
    if (fields.model !== undefined) await form.getByLabel("Model").selectOption(fields.model);
    if (fields.instructions !== undefined) await form.getByLabel("Instructions").fill(fields.instructions);
    if (fields.temperature !== undefined) await form.getByLabel("Temperature").fill(String(fields.temperature));
    if (fields.tools !== undefined) {
      const every = form.getByRole("checkbox", { name: /^Every tool/ });
      if (fields.tools === "every") await every.check();
      else {
        await every.uncheck();
        for (const label of fields.tools) await form.getByRole("checkbox", { name: label, exact: true }).check();
      }
    }
  }
}
