import { expect, type Locator, type Page } from "@playwright/test";

/** The chat page as a person sees it: found by role and accessible name only. */
export class ChatPage {
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly log: Locator;
  readonly userMessages: Locator;
  readonly assistantMessages: Locator;
  readonly sidebar: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    // exact: the message log's label "Messages" also contains "Message".
    this.composer = page.getByRole("textbox", { name: "Message", exact: true });
    this.sendButton = page.getByRole("button", { name: "Send", exact: true });
    this.stopButton = page.getByRole("button", { name: "Stop", exact: true });
    this.log = page.getByRole("log", { name: "Messages" });
    this.userMessages = this.log.getByRole("article", { name: "You" });
    this.assistantMessages = this.log.getByRole("article", { name: "Assistant" });
    this.sidebar = page.getByRole("navigation", { name: "Conversations" });
    this.search = this.sidebar.getByRole("searchbox", { name: "Search conversations" });
  }

  async goto(path = "/") {
    await this.page.goto(path);
    await expect(this.composer).toBeVisible();
  }

  async send(text: string) {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  /** Resolves once no request is in flight: the Stop button has turned back into Send. */
  async waitForAnswer() {
    await expect(this.sendButton).toBeVisible({ timeout: 60_000 });
    await expect(this.stopButton).toBeHidden();
  }

  /** Sends a first message in a new chat and waits for its answer; returns the conversation's URL. */
  async startConversation(text: string): Promise<string> {
    await this.goto("/");
    await this.send(text);
    await expect(this.page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
    await this.waitForAnswer();
    return this.page.url();
  }

  lastAnswer(): Locator {
    return this.assistantMessages.last();
  }

  conversationLink(title: string | RegExp): Locator {
    return this.sidebar.getByRole("link", { name: title });
  }

  async rename(title: string, newTitle: string) {
    await this.sidebar.getByRole("button", { name: `Rename ${title}` }).click();
    const input = this.sidebar.getByRole("textbox", { name: `New title for ${title}` });
    await input.fill(newTitle);
    await input.press("Enter");
  }

  async delete(title: string) {
    await this.sidebar.getByRole("button", { name: `Delete ${title}` }).click();
    const dialog = this.page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(dialog).toBeHidden();
  }
}
