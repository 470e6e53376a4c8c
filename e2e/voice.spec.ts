import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";
import { ChatPage } from "./pages/ChatPage";
import { setScript } from "./support/fake-control";
import { speechLikeWav } from "./support/speech-wav";

// Voice (issue 26) in Chromium with its fake microphone playing a WAV this file writes (speech-like
// syllables, then silence, looped), so the real MediaRecorder → /api/audio/transcriptions path runs;
// the fake Workers AI (TEST DOUBLE) answers the transcription with `Script.transcript` and the speech
// model with real audio bytes. The permission is granted per context (no fake-UI flag), so a context
// without it is one where the microphone is refused.
mkdirSync(resolve(".cache"), { recursive: true });
const WAV = speechLikeWav(resolve(".cache/e2e-voice-speech.wav"));
const baseArgs = (config.use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      ...baseArgs,
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${WAV}`,
      "--autoplay-policy=no-user-gesture-required",
    ],
  },
});

const QUESTION = "What is the capital of France?";
const ANSWER = "Paris is the capital of France. It sits on the Seine. About two million people live in the city itself.";

test.beforeEach(async ({ context, baseURL }) => {
  // The voice code is fetched on first use; on the shared 2-core machine a dev-mode first load and
  // a pointer event were seen to take several seconds.
  test.setTimeout(180_000);
  await context.grantPermissions(["microphone"], { origin: baseURL });
  await setScript({ transcript: QUESTION, text: ANSWER } as Parameters<typeof setScript>[0]);
});

test.afterEach(async () => {
  await setScript({ tokens: 40 });
});

/**
 * The first bytes of each audio upload, read in the page (Playwright does not expose a Blob body):
 * Opus in WebM starts with the EBML magic number 1A 45 DF A3.
 */
async function recordUploads(page: Page) {
  await page.addInitScript(() => {
    const uploads: string[] = [];
    (window as unknown as { __uploads: string[] }).__uploads = uploads;
    const original = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input).includes("/api/audio/transcriptions") && init?.body instanceof Blob) {
        const head = new Uint8Array(await init.body.slice(0, 4).arrayBuffer());
        uploads.push(`${init.body.type} ${[...head].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`);
      }
      return original(input, init);
    };
  });
}
const uploads = (page: Page) => page.evaluate(() => (window as unknown as { __uploads: string[] }).__uploads);

async function openVoiceSettings(page: Page) {
  await page.getByRole("button", { name: "Voice settings" }).click();
  return page.getByRole("group", { name: "Voice settings" });
}

test("dictate: hold the microphone, release, and the transcript lands in the composer to edit; Send on release sends it", async ({
  page,
}) => {
  await recordUploads(page);
  const chat = new ChatPage(page);
  await chat.goto("/");
  const mic = page.getByRole("button", { name: "Dictate" });

  // Hold to talk: the level meter's clock shows the limit while recording.
  await mic.hover();
  await page.mouse.down();
  const stop = page.getByRole("button", { name: "Stop recording", pressed: true });
  await expect(stop).toBeVisible();
  await expect(page.getByText(/^0:0\d \/ 2:00$/)).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Release to transcribe" })).toBeAttached();
  await page.waitForTimeout(1_500);
  await page.mouse.up();

  await expect(chat.composer).toHaveValue(QUESTION);
  expect(await uploads(page), "the upload is the browser's Opus/WebM recording").toEqual(["audio/webm;codecs=opus 1a 45 df a3"]);
  await expect(page.getByRole("status").filter({ hasText: "The transcript is in the message box to edit." })).toBeAttached();
  await expect(chat.userMessages).toHaveCount(0);

  // What is already written stays; the keyboard toggles (Space starts, Space stops).
  await chat.composer.fill("Please answer:");
  await mic.focus();
  await page.keyboard.press("Space");
  await expect(stop).toBeVisible();
  await page.waitForTimeout(1_000);
  await page.keyboard.press("Space");
  await expect(chat.composer).toHaveValue(`Please answer: ${QUESTION}`);

  // Send on release, kept in this browser.
  const settings = await openVoiceSettings(page);
  await settings.getByRole("checkbox", { name: "Send on release" }).check();
  await page.keyboard.press("Escape");
  await expect(settings).toBeHidden();
  await page.reload();
  await expect(chat.composer).toBeVisible();
  await expect((await openVoiceSettings(page)).getByRole("checkbox", { name: "Send on release" })).toBeChecked();

  await mic.focus();
  await page.keyboard.press("Enter");
  await expect(stop).toBeVisible();
  await page.waitForTimeout(1_000);
  await page.keyboard.press("Enter");
  await expect(chat.userMessages.last()).toContainText(QUESTION);
  await chat.waitForAnswer();
  await expect(chat.lastAnswer()).toContainText("Paris is the capital");
  await expect(chat.composer).toHaveValue("");
});

test("a refused or missing microphone is said in words, in a polite status", async ({ browser, baseURL, page }) => {
  // A context without the microphone permission: the browser refuses (NotAllowedError).
  const refused = await browser.newContext({ baseURL });
  const refusedPage = await refused.newPage();
  await refusedPage.goto("/");
  await refusedPage.getByRole("button", { name: "Dictate" }).click();
  await expect(refusedPage.getByRole("status").filter({ hasText: "The microphone is not allowed for this site." })).toBeVisible();
  await expect(refusedPage.getByRole("button", { name: "Dictate" })).toBeEnabled();
  await refused.close();

  // No microphone at all (NotFoundError).
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Requested device not found", "NotFoundError"));
  });
  await page.goto("/");
  await page.getByRole("button", { name: "Dictate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "No microphone was found." })).toBeVisible();
});

test("Read aloud plays an answer sentence by sentence from the first synthesised one, and Stop stops it", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send(QUESTION);
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();

  // Sentences are asked for in order (the next ones while the first plays); the first request is the first sentence.
  const speech = page.waitForRequest((r) => r.url().includes("/api/audio/speech"));
  await answer.getByRole("button", { name: "Read aloud" }).click();
  const request = await speech;
  expect(JSON.parse(request.postData() ?? "{}").text).toBe("Paris is the capital of France.");
  const first = (await request.response())!;
  expect(first.status()).toBe(200);
  expect(first.headers()["content-type"]).toMatch(/^audio\//);
  expect((await first.body()).byteLength).toBeGreaterThan(1_000);

  // Playing: the first sentence was decoded and started on the page's AudioContext.
  await expect(answer.getByText(/^Sentence \d of 3$/)).toBeVisible();
  expect(await page.evaluate(() => performance.getEntriesByName("voice:first-audio").length)).toBe(1);
  await answer.getByRole("button", { name: "Stop reading" }).click();
  await expect(answer.getByRole("button", { name: "Read aloud" })).toBeVisible();
  await expect(answer.getByRole("status")).toHaveText("Stopped reading.");

  // The voice picker offers the catalog's voices and the choice is used.
  const settings = await openVoiceSettings(page);
  const picker = settings.getByRole("combobox", { name: "Read-aloud voice" });
  await picker.selectOption({ label: "Luna — Aura-2 (English)" });
  await page.keyboard.press("Escape");
  const withVoice = page.waitForRequest((r) => r.url().includes("/api/audio/speech"));
  await answer.getByRole("button", { name: "Read aloud" }).click();
  expect(JSON.parse((await withVoice).postData() ?? "{}")).toMatchObject({ model: "@cf/deepgram/aura-2-en", voice: "luna" });
  await answer.getByRole("button", { name: "Stop reading" }).click();
});

test("Read aloud asks for the first sentence alone, and for the ones ahead once its audio is in", async ({ page }) => {
  // Sent together, the sentences ahead shared the Worker and the spend ledger with the first and
  // delayed its sound (bench/voice.ts). A slow speech model makes the order plain: each call takes 1.5 s.
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send(QUESTION);
  await chat.waitForAnswer();
  await setScript({ transcript: QUESTION, text: ANSWER, audioDelayMs: 1_500 } as Parameters<typeof setScript>[0]);
  const answer = chat.lastAnswer();
  const texts: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/audio/speech")) texts.push(JSON.parse(r.postData() ?? "{}").text);
  });
  await answer.getByRole("button", { name: "Read aloud" }).click();

  // The answer's requests, as the page timed them (Resource Timing lists them once answered): the
  // first sentence, then the two after it in one group.
  const spans = () =>
    page.evaluate(() =>
      (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .filter((e) => e.name.includes("/api/audio/speech"))
        .map((e) => ({ start: e.startTime, end: e.responseEnd })),
    );
  await expect.poll(async () => (await spans()).length, { timeout: 20_000 }).toBe(2);
  const [first, second] = (await spans()).sort((a, b) => a.start - b.start);
  expect(second.start, "the sentences ahead are asked for after the first one's audio arrived").toBeGreaterThanOrEqual(first.end);
  expect(texts).toEqual(["Paris is the capital of France.", "It sits on the Seine. About two million people live in the city itself."]);
  await expect(answer.getByText(/^Sentences? [\d–]+ of 3$/)).toBeVisible();
  await answer.getByRole("button", { name: "Stop reading" }).click();
  await expect(answer.getByRole("button", { name: "Read aloud" })).toBeVisible();
});

test("Read aloud reads a long list in a few requests, to the end, and Stop stops a group at once", async ({ page }) => {
  // Forty short list items: one request each spent the person's 30 model calls a minute
  // (wrangler.jsonc USER_RATE_LIMITER) and the reading was refused mid-list with "Too many requests".
  const items = Array.from({ length: 40 }, (_, i) => `Item ${i + 1}`);
  await setScript({ text: items.map((item) => `- ${item}`).join("\n") });
  const chat = new ChatPage(page);
  await chat.goto("/");
  await chat.send("List forty items.");
  await chat.waitForAnswer();
  const answer = chat.lastAnswer();
  await expect(answer.getByRole("listitem")).toHaveCount(40);

  const texts: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/audio/speech")) texts.push(JSON.parse(r.postData() ?? "{}").text);
  });
  await answer.getByRole("button", { name: "Read aloud" }).click();
  // The fake's audio lasts as long as the text takes to say (15 characters a second): about 25 s.
  const status = answer.getByRole("status");
  await expect(status).toHaveText(/^(Finished reading\.|Not read aloud: .*)$/, { timeout: 90_000 });
  expect(await status.textContent(), "read to the end, not refused mid-list").toBe("Finished reading.");
  expect(texts[0], "the first item is asked for alone, so it starts at once").toBe("Item 1");
  expect(texts.length, `requests: ${JSON.stringify(texts)}`).toBeLessThanOrEqual(3);
  // Every item was asked for once, in order (a list item gains a full stop so the voice pauses after it).
  expect(texts.join(" ").replace(/\./g, "")).toBe(items.join(" "));

  // Stop during a group (shown as the range of sentences it reads): the reading ends at once and
  // nothing more is asked for.
  texts.length = 0;
  await answer.getByRole("button", { name: "Read aloud" }).click();
  await expect(answer.getByText(/^Sentences 2–\d+ of 40$/)).toBeVisible({ timeout: 20_000 });
  const asked = texts.length;
  await answer.getByRole("button", { name: "Stop reading" }).click();
  await expect(status).toHaveText("Stopped reading.", { timeout: 2_000 });
  await expect(answer.getByRole("button", { name: "Read aloud" })).toBeVisible();
  await page.waitForTimeout(1_000);
  expect(texts.length).toBe(asked);
});

test("voice mode: speak, the question is sent, its answer is read aloud, and it listens again", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/");
  const voiceMode = page.getByRole("button", { name: "Voice mode" });
  await voiceMode.click();
  await expect(voiceMode).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByRole("status").filter({ hasText: "Listening" })).toBeAttached();

  // The fake microphone's syllables end in silence: the turn ends on the device and is sent.
  await expect(chat.userMessages.last()).toContainText(QUESTION, { timeout: 30_000 });
  const answer = chat.lastAnswer();
  await expect(answer).toContainText("Paris is the capital");
  // Read aloud by itself, without a press.
  await expect(answer.getByText(/^Sentences? [\d–]+ of \d+\+?$/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("status").filter({ hasText: "Listening for the next question" })).toBeAttached();

  await voiceMode.click();
  await expect(voiceMode).toHaveAttribute("aria-pressed", "false");
  await expect(answer.getByRole("button", { name: "Read aloud" })).toBeVisible();
});
