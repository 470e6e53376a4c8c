import type { Locator, Page } from "@playwright/test";

/** The sidebar's groups and their "Show more" buttons, found by role and accessible name only. */
export class SidebarPages {
  readonly sidebar: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.getByRole("navigation", { name: "Conversations" });
  }

  /** A project's section, or "No project" for the conversations in none. */
  group(name: string): Locator {
    return this.sidebar.getByRole("region", { name: name === "No project" ? name : `Project ${name}` });
  }

  links(name: string): Locator {
    return this.group(name).getByRole("listitem").getByRole("link");
  }

  showMore(name: string): Locator {
    return this.group(name).getByRole("button", { name: new RegExp(`^Show more in ${name}\\b`) });
  }
}
