import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { setScript } from "./support/fake-control";

// Runs in the "fake" project: its fake Workers AI (a test double) answers embeddings with hashed
// bag-of-words vectors and, with citePassages, quotes passage 1 of the documents block it was sent.
const FACT = "The vault under the old harbour office opens with code 4471.";

function longDocument(): string {
  const filler = (i: number) => `Section ${i}. The harbour log notes tides, weather and ships for week ${i} of the season, nothing more.`;
  const paragraphs = Array.from({ length: 400 }, (_, i) => filler(i));
  paragraphs.splice(233, 0, FACT);
  return paragraphs.join("\n\n");
}

test("attach a long file in chat, ask about a buried fact and see it cited; delete it and later answers stop citing it", async ({
  page,
}) => {
  await setScript({ citePassages: true });
  const chat = new ChatPage(page);
  await chat.goto("/");

  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: "harbour-log.txt", mimeType: "text/plain", buffer: Buffer.from(longDocument()) });
  const chips = page.getByRole("list", { name: "Attached documents" });
  await expect(chips.getByText("harbour-log.txt")).toBeVisible();
  await expect(chips.getByRole("status")).toHaveText("Ready", { timeout: 30_000 });

  await chat.send("What code opens the vault under the harbour office?");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("code 4471");
  await expect(chat.lastAnswer()).toContainText("[1]");
  const source = chat
    .lastAnswer()
    .getByRole("list", { name: "Sources" })
    .getByRole("button", { name: /\[1\] harbour-log\.txt/ });
  await source.click();
  await expect(chat.lastAnswer().getByRole("blockquote", { name: /Passage 1 from harbour-log\.txt/ })).toContainText(FACT);
  const conversation = page.url();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
  const row = page.getByRole("row", { name: /harbour-log\.txt/ });
  await expect(row).toContainText("Ready");
  await row.getByRole("button", { name: "Delete harbour-log.txt" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Deleted harbour-log.txt.");
  await expect(row).toBeHidden();

  await chat.goto(conversation);
  await expect(page.getByRole("list", { name: "Attached documents" })).toBeHidden();
  await chat.send("What code opens the vault, again?");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("The attached documents do not cover that.");
  await expect(chat.lastAnswer().getByRole("list", { name: "Sources" })).toBeHidden();
});

test("a file the Worker cannot read shows its error on the chip", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: "locked.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\nnot a real pdf") });
  await expect(page.getByRole("list", { name: "Attached documents" }).getByRole("alert")).toHaveText(
    /locked\.pdf could not be read as a PDF/,
  );
});

test("the Documents page attaches only to a conversation that exists, and starts a chat with a document", async ({ page }) => {
  await setScript({ citePassages: true });
  const chat = new ChatPage(page);
  await chat.goto("/");
  // A file attached in a new chat nobody sends: that draft is the last conversation of this tab.
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles({ name: "vault-notes.txt", mimeType: "text/plain", buffer: Buffer.from(longDocument()) });
  await expect(page.getByRole("list", { name: "Attached documents" }).getByRole("status")).toHaveText("Ready", { timeout: 30_000 });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
  const row = page.getByRole("row", { name: /vault-notes\.txt/ });
  await expect(row).toContainText("Ready");
  // Nothing to attach to: the draft does not exist.
  await expect(row.getByRole("button", { name: /^Attach vault-notes\.txt/ })).toHaveCount(0);

  await row.getByRole("link", { name: "Start a chat with vault-notes.txt" }).click();
  await expect(page.getByRole("list", { name: "Attached documents" }).getByText("vault-notes.txt")).toBeVisible();
  await chat.send("What code opens the vault under the harbour office?");
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("code 4471");
  await expect(
    chat
      .lastAnswer()
      .getByRole("list", { name: "Sources" })
      .getByRole("button", { name: /\[1\] vault-notes\.txt/ }),
  ).toBeVisible();
  const conversation = page.url();
  await page.reload();
  await expect(page.getByRole("list", { name: "Attached documents" }).getByText("vault-notes.txt")).toBeVisible();

  // A conversation that exists: the page names it, and attaching says where it went.
  const chooser2 = page.waitForEvent("filechooser");
  await chat.goto("/");
  await page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser2).setFiles({ name: "second.txt", mimeType: "text/plain", buffer: Buffer.from("The ferry leaves at nine.") });
  await expect(page.getByRole("list", { name: "Attached documents" }).getByRole("status")).toHaveText("Ready", { timeout: 30_000 });
  await chat.goto(conversation);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Documents" }).click();
  await page
    .getByRole("row", { name: /second\.txt/ })
    .getByRole("button", { name: /^Attach second\.txt to “.+”$/ })
    .click();
  await expect(page.getByRole("status").filter({ hasText: /^Attached second\.txt to “.+”\.$/ })).toBeVisible();
  await chat.goto(conversation);
  await expect(page.getByRole("list", { name: "Attached documents" }).getByText("second.txt")).toBeVisible();
});
