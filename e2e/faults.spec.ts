import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/ChatPage";
import { conversationIdOf, fakeStats, setScript, storedConversation, textOf } from "./support/fake-control";
import type { Fault } from "./support/fake-workers-ai";

// Fault injection: a real browser and the real Worker, with a fake Workers AI (TEST DOUBLE,
// e2e/support/fake-workers-ai.ts) that fails on request. Each case checks what the person sees, what
// the Worker stored, that the upstream connection was let go, and that the page still works after.

const TOKENS = 40; // the fake streams "w0 w1 … w39"

test.beforeEach(async () => {
  await setScript({ tokens: TOKENS });
});

test.afterEach(async () => {
  await setScript({ tokens: TOKENS });
});

/** Injects `fault` for the next answer and asks a question; returns the chat page. */
async function askWithFault(page: Page, fault: Fault, extra: Parameters<typeof setScript>[0] = {}): Promise<ChatPage> {
  // Counted by e2e/support/summary-reporter.ts: "faults injected: N, survived: N".
  test.info().annotations.push({ type: "fault", description: fault });
  await setScript({ tokens: TOKENS, fault, ...extra });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send(`Question under ${fault}`);
  await expect(page).toHaveURL(/\/c\/[A-Za-z0-9_-]{22}$/);
  return chat;
}

/** The readable error and its Retry button, below the messages. */
async function expectErrorNotice(page: Page, message: RegExp) {
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(message);
  await expect(alert.getByRole("button", { name: "Retry" })).toBeEnabled();
  // Readable: the Worker's sentence, never a stack, JSON or a bare status.
  await expect(alert).not.toContainText(/\{|Error:|at \w+ \(|undefined|\b5\d\d\b/);
}

/** Upstream connections the Worker opened for this test are all closed (it gave up or finished). */
async function expectUpstreamReleased() {
  await expect.poll(async () => (await fakeStats()).open, { timeout: 15_000 }).toBe(0);
}

/** After a reload the stored answer is shown with its mark ("Failed: <why>" or "Stopped — partial answer"). */
async function expectMarkedAfterReload(chat: ChatPage, mark: RegExp) {
  await chat.page.reload();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.lastAnswer()).toContainText(mark);
}

/**
 * Recovery: with the fault gone, the failed answer is replaced (through the error's Retry button, or
 * after a reload through the answer's own Regenerate button), and a new message gets an answer too.
 */
async function expectPageStillWorks(chat: ChatPage, via: "Retry" | "Regenerate" = "Retry") {
  await setScript({ tokens: 12 });
  const scope = via === "Retry" ? chat.page.getByRole("alert") : chat.lastAnswer();
  await scope.getByRole("button", { name: via }).click();
  await chat.waitForAnswer();
  await expect(chat.page.getByRole("alert")).toHaveCount(0);
  await expect(chat.lastAnswer()).toContainText("w11");
  await expect(chat.lastAnswer()).not.toContainText(/Failed:|Stopped/);

  await chat.send("And a follow-up question");
  await chat.waitForAnswer();
  await expect(chat.userMessages).toHaveCount(2);
  await expect(chat.assistantMessages).toHaveCount(2);
  await expect(chat.lastAnswer()).toContainText("w11");
  await expect(chat.page.getByRole("alert")).toHaveCount(0);

  const stored = await storedConversation(chat.page, conversationIdOf(chat.page));
  expect(stored.messages.map((m) => [m.role, m.metadata?.status])).toEqual([
    ["user", undefined],
    ["assistant", "complete"],
    ["user", undefined],
    ["assistant", "complete"],
  ]);
}

test("failure before the first byte: a readable error, the question kept, nothing half-shown", async ({ page }) => {
  const before = (await fakeStats()).calls;
  const chat = await askWithFault(page, "before-first-byte");
  await chat.waitForAnswer();
  await expectErrorNotice(page, /model service failed to answer/i);
  await expect(chat.userMessages).toHaveCount(1);
  // Retryable (HTTP 500): the seam tried more than once, and then gave up.
  expect((await fakeStats()).calls - before).toBeGreaterThan(1);

  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages[0]).toMatchObject({ role: "user", parts: [{ type: "text", text: "Question under before-first-byte" }] });
  // No answer began, so any stored answer is empty and marked failed, never "complete".
  for (const answer of stored.messages.slice(1)) {
    expect(answer.metadata?.status).toBe("failed");
    expect(textOf(answer)).toBe("");
  }
  await expectUpstreamReleased();
  await expectPageStillWorks(chat);
});

test("failure mid-stream (connection reset): the partial answer stays, marked failed", async ({ page }) => {
  const chat = await askWithFault(page, "mid-stream");
  await chat.waitForAnswer();
  await expectErrorNotice(page, /broke off before its end/);
  const answer = chat.lastAnswer();
  await expect(answer).toContainText("w0 w1");
  await expect(answer).toContainText(`w${TOKENS / 2 - 1}`);
  await expect(answer).not.toContainText(`w${TOKENS / 2} `);

  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(stored.messages[1].metadata).toMatchObject({ status: "failed", error: expect.stringMatching(/broke off/) });
  expect(textOf(stored.messages[1])).toContain(`w${TOKENS / 2 - 1}`);
  expect(textOf(stored.messages[1])).not.toContain(`w${TOKENS / 2} `);
  await expectUpstreamReleased();
  await expectMarkedAfterReload(chat, /Failed: .*broke off/);
  await expect(chat.lastAnswer()).toContainText(`w${TOKENS / 2 - 1}`);
  await expectPageStillWorks(chat, "Regenerate");
});

test("a stream cut without [DONE]: the text so far is kept and not passed off as a finished answer", async ({ page }) => {
  const chat = await askWithFault(page, "no-done");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText(`w${TOKENS - 1}`);
  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(textOf(stored.messages[1])).toContain(`w${TOKENS - 1}`);
  // Without [DONE] or a finish reason nobody can tell the answer is whole: it must be marked.
  expect(stored.messages[1].metadata).toMatchObject({ status: "failed", error: expect.stringMatching(/broke off/) });
  await expectErrorNotice(page, /broke off before its end/);
  await expectUpstreamReleased();
  await expectPageStillWorks(chat);
});

test("malformed SSE lines mixed in: the answer still arrives whole", async ({ page }) => {
  const chat = await askWithFault(page, "malformed");
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();
  await expect(answer).toContainText(`w0 w1 w2 w3`);
  await expect(answer).toContainText(`w${TOKENS - 1}`);
  await expect(answer).not.toContainText(/not json|Failed:/);
  await expect(page.getByRole("alert")).toHaveCount(0);

  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages[1].metadata?.status).toBe("complete");
  expect(textOf(stored.messages[1]).trim()).toBe(Array.from({ length: TOKENS }, (_, i) => `w${i}`).join(" "));
  await expectUpstreamReleased();
  // Nothing failed, so there is no Retry; the page simply goes on.
  await setScript({ tokens: 12 });
  await chat.send("And a follow-up question");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("w11");
});

test("an upstream that hangs mid-answer: the Worker gives up, keeps the partial answer and lets go of the connection", async ({ page }) => {
  test.setTimeout(150_000);
  const chat = await askWithFault(page, "hang");
  await expect(chat.lastAnswer()).toContainText("w0");
  await expect(chat.stopButton).toBeVisible();
  // The Worker's idle limit (stream-answer.ts) ends it; the page must not wait forever.
  const started = Date.now();
  await expect(chat.sendButton).toBeVisible({ timeout: 120_000 });
  console.log(`hang: the Worker gave up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expectErrorNotice(page, /stopped answering/i);

  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(stored.messages[1].metadata).toMatchObject({ status: "failed" });
  expect(textOf(stored.messages[1])).toContain("w0");
  await expectUpstreamReleased();
  await expectMarkedAfterReload(chat, /Failed: .*stopped answering/);
  await expectPageStillWorks(chat, "Regenerate");
});

test("slow drip: tokens keep arriving, Stop keeps the partial answer and ends the upstream call", async ({ page }) => {
  const chat = await askWithFault(page, "drip", { dripMs: 150, tokens: 400 });
  const answer = chat.lastAnswer();
  await expect(answer).toContainText("w3");
  await expect(answer).toContainText("w8"); // still arriving
  await chat.stopButton.click();
  await chat.waitForAnswer();
  await expect(answer).toContainText("Stopped — partial answer");
  await expect(page.getByRole("alert")).toHaveCount(0);
  const shown = await answer.innerText();
  await expectUpstreamReleased(); // the Stop reached the model call: no more tokens are paid for

  const stored = await storedConversation(page, conversationIdOf(page));
  expect(stored.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  expect(stored.messages[1].metadata?.status).toBe("stopped");
  const kept = textOf(stored.messages[1]);
  expect(kept).toContain("w8");
  expect(kept).not.toContain("w399");
  // What the person saw is what was kept (give or take the token in flight at the Stop).
  const lastShown = Math.max(...[...shown.matchAll(/w(\d+)/g)].map((m) => Number(m[1])));
  const lastKept = Math.max(...[...kept.matchAll(/w(\d+)/g)].map((m) => Number(m[1])));
  expect(Math.abs(lastKept - lastShown)).toBeLessThanOrEqual(2);

  await page.reload();
  await expect(chat.lastAnswer()).toContainText("Stopped — partial answer");
  await setScript({ tokens: 12 });
  await chat.send("And a follow-up question");
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("w11");
  await expect(page.getByRole("alert")).toHaveCount(0);
});
