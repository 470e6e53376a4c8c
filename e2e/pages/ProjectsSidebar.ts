import { expect, type Locator, type Page } from "@playwright/test";

/** The sidebar's projects as a person sees them: found by role and accessible name only. */
export class ProjectsSidebar {
  readonly sidebar: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.getByRole("navigation", { name: "Conversations" });
  }

  project(name: string): Locator {
    return this.sidebar.getByRole("region", { name: `Project ${name}` });
  }

  get noProject(): Locator {
    return this.sidebar.getByRole("region", { name: "No project" });
  }

  async createProject(name: string, instructions: string) {
    await this.sidebar.getByRole("button", { name: "New project" }).click();
    const dialog = this.page.getByRole("dialog", { name: "New project" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(name);
    await dialog.getByRole("textbox", { name: "Instructions" }).fill(instructions);
    await dialog.getByRole("button", { name: "Create project" }).click();
    await expect(dialog).toBeHidden();
    await expect(this.project(name)).toBeVisible();
  }

  /** Opens a conversation's "More actions" menu with the mouse and picks an item. */
  async menuPick(title: string, item: string) {
    await this.sidebar.getByRole("button", { name: `More actions for ${title}` }).click();
    await this.sidebar
      .getByRole("menu", { name: `Actions for ${title}` })
      .getByRole("menuitem", { name: item })
      .click();
  }
}
