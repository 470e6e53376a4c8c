import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";

test("a refused clipboard write says so and offers the text selected", async ({ page }) => {
  // Browsers refuse clipboard writes without permission, on insecure pages, or by policy.
  await page.addInitScript(() => {
    Object.defineProperty(navigator.clipboard, "writeText", {
      value: () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError")),
    });
  });
  const chat = new ChatPage(page);
  const question = `Copy me ${Math.random().toString(36).slice(2, 8)}`;
  await chat.startConversation(question);

  await chat.userMessages.first().getByRole("button", { name: "Copy message" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "did not allow copying" })).toBeVisible();
  const box = chat.log.getByRole("textbox", { name: "Text to copy" });
  await expect(box).toHaveValue(question);
  await expect(box).toBeFocused();
  expect(await box.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe(question);
  await expect(chat.userMessages.first().getByRole("button", { name: "Copy message" })).toHaveText("Copy");

  await chat.log.getByRole("button", { name: "Done" }).click();
  await expect(box).toHaveCount(0);
});
