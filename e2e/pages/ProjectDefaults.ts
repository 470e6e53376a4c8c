import { expect, type Locator, type Page } from "@playwright/test";
import { BUILTIN_TOOLS } from "../../contract/builtin-tools";

/**
 * A project's "Tools for new chats" in its dialog, and "New chat in <project>" as a draft: found by
 * role and accessible name only.
 */
export class ProjectDefaults {
  readonly sidebar: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.getByRole("navigation", { name: "Conversations" });
  }

  project(name: string): Locator {
    return this.sidebar.getByRole("region", { name: `Project ${name}` });
  }

  /** The open project dialog ("New project" or "Edit <name>"). */
  dialog(name: string | RegExp): Locator {
    return this.page.getByRole("dialog", { name });
  }

  tools(dialog: Locator): Locator {
    return dialog.getByRole("group", { name: "Tools for new chats" });
  }

  /** A tool's checkbox by its label (a tool that asks first is named "<label> asks first"). */
  tool(within: Locator, label: string): Locator {
    return within.getByRole("checkbox", { name: new RegExp(`^${label}( asks first)?$`) });
  }

  /** Switches the built-in tools so that exactly these (by label) are on. */
  async keepOnlyTools(dialog: Locator, labels: string[]) {
    for (const tool of BUILTIN_TOOLS) await this.tool(this.tools(dialog), tool.label).setChecked(labels.includes(tool.label));
  }

  /**
   * "New chat in <project>": a draft at /?project=<id>, like the main New chat. Ready once the project
   * is read (the empty chat names it), so the message typed next goes with its model and tools.
   * Returns the project's id from the address.
   */
  async newChatIn(project: string): Promise<string> {
    await this.project(project)
      .getByRole("button", { name: `New chat in ${project}` })
      .click();
    await expect(this.page).toHaveURL(/\/\?project=[A-Za-z0-9_-]+$/);
    await expect(this.page.getByText(`New chat in ${project}:`)).toBeVisible({ timeout: 60_000 });
    return new URL(this.page.url()).searchParams.get("project")!;
  }

  /** The Tools panel beside the model picker, opened. */
  async openChatTools(): Promise<Locator> {
    await this.page.getByRole("button", { name: "Tools", exact: true }).click();
    const panel = this.page.getByRole("region", { name: "Tools" });
    await expect(panel.getByRole("checkbox").first()).toBeVisible();
    return panel;
  }
}
