import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { FAKE_AI, setScript } from "./support/fake-control";

// The "fake" project's upstream is a TEST DOUBLE that speaks the Workers AI contract on 127.0.0.1 (and
// even answers /local/status) but is not the local engine. The app must say who that is, not guess
// "Local engine" from the address, and must not show the local engine's "not ready" banner.
const host = new URL(FAKE_AI).host;

test("a Workers AI-compatible server on this machine is named as such on every page, and its answers too", async ({ page }) => {
  await setScript({ text: "Hello from elsewhere." });
  for (const path of ["/", "/images", "/vision"]) {
    await page.goto(path);
    await expect(page.getByText(`Workers AI-compatible server at ${host}`)).toBeVisible();
    await expect(page.getByRole("region", { name: "Local engine problem" })).toHaveCount(0);
    await expect(page.getByText(/Local engine/)).toHaveCount(0);
  }

  const chat = new ChatPage(page);
  await chat.startConversation("Who are you?");
  await expect(chat.lastAnswer()).toContainText("Hello from elsewhere.");
  await expect(chat.lastAnswer()).toContainText(`Workers AI-compatible server at ${host}`);
  await expect(chat.lastAnswer()).not.toContainText("Local engine");
});
