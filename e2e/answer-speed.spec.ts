import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

test("an answer's footer shows time to first token and tokens per second, and keeps them after a reload", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.startConversation(`How fast ${Math.random().toString(36).slice(2, 8)}`);
  const footer = chat.lastAnswer().getByText(/Local engine · tiny-chatml\.gguf/);
  const speed = /\d+\.\d+ s to first token · (about )?\d+(\.\d)? tokens\/s/;
  await expect(footer).toContainText(speed);
  await page.reload();
  await expect(chat.lastAnswer().getByText(/Local engine · tiny-chatml\.gguf/)).toContainText(speed);
});
