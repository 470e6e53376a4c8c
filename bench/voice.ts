/**
 * Voice (issue 26), measured in Chromium on the production build with its fake microphone: from the
 * release of the Dictate button to the transcript in the composer, and from an answer's first
 * complete sentence to its first audio playing (Read aloud), each against the upstream's own time for
 * the same call in the same run (the same recorded bytes, the same sentence, posted to it directly).
 * The upstream is the fake Workers AI (TEST DOUBLE), which answers at once, so what is left is the
 * app's share: the recorder's stop, the upload, the Worker (sniffing, limits, reserve/settle), the
 * decode and the start of playback. Target: at most 100 ms on this machine. Long tasks during the
 * recording (the level meter) are counted too. Each figure is split into before the request, the
 * request itself (Resource Timing) and after it.
 *   npm run bench:voice            RUNS=10
 *   APP_URL=http://localhost:7701 FAKE_AI_URL=http://127.0.0.1:11321 npm run bench:voice
 *     reuses a running fake stack (e2e/support/fake-stack.ts) instead of starting one: on a loaded
 *     machine a stack's start can outlast startStack's two minutes.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { startFakeWorkersAi } from "../e2e/support/fake-workers-ai";
import { speechLikeWav } from "../e2e/support/speech-wav";
import { ensureAppBuilt, observeLongTasks, serveBuilt } from "./browser";
import { newIdentity, percentile, startStack } from "./stack";

const RUNS = Number(process.env.RUNS ?? 10);
const WARMUP = 2;
const TRANSCRIPT = "What is the capital of France?";
const FIRST_SENTENCE = "Paris is the capital of France.";
const ANSWER = `${FIRST_SENTENCE} It sits on the Seine. About two million people live in the city itself.`;
const TRANSCRIBER = "@cf/openai/whisper-large-v3-turbo";
const SPEAKER = "@cf/myshell-ai/melotts";
/**
 * The Worker allows one person this many model calls a minute (wrangler.jsonc USER_RATE_LIMITER, a
 * fixed 60 s window), dictation and each sentence read aloud included. An iteration makes four (one
 * transcription and the answer's three sentences, asked for before Stop), so back to back the bench
 * reached the limit at its eighth iteration and Read aloud was refused (429) and never played: the
 * bench now waits between iterations (outside what it times) until the next one fits.
 */
const PER_MINUTE = Number(/"USER_RATE_LIMITER"[^}]*"limit":\s*(\d+)/.exec(readFileSync("wrangler.jsonc", "utf8"))?.[1] ?? 30);
/** The routes the Worker rate limits that this page calls (worker/index.ts). */
const LIMITED = /^\/api\/(audio\/|chat)/;
/** When each limited call was sent (this process's clock). */
const modelCalls: number[] = [];

/** Waits until `next` more calls fit in any 60 s window (a margin of a second for the clocks). */
async function paceForLimit(next: number): Promise<void> {
  for (;;) {
    const recent = modelCalls.filter((t) => t > Date.now() - 61_000);
    if (recent.length + next <= PER_MINUTE) return;
    await new Promise((r) => setTimeout(r, recent[0] + 61_000 - Date.now()));
  }
}

mkdirSync(".cache", { recursive: true });
const wav = speechLikeWav(resolve(".cache/bench-voice-speech.wav"));
const appDir = ensureAppBuilt();
const script = { text: ANSWER, transcript: TRANSCRIPT, tokensPerSecond: 0 };
const fake = process.env.FAKE_AI_URL
  ? { url: `${process.env.FAKE_AI_URL}/client/v4/accounts/fake/ai`, close: async () => {} }
  : await startFakeWorkersAi().then((f) => (f.setScript(script), f));
if (process.env.FAKE_AI_URL) await fetch(`${process.env.FAKE_AI_URL}/__script`, { method: "PUT", body: JSON.stringify(script) });
const stack = process.env.APP_URL
  ? { app: process.env.APP_URL, stop: () => {} }
  : await startStack({ port: 5189, enginePort: 8889, env: { WORKERS_AI_REST_URL: fake.url } });
const site = await serveBuilt({ appDir, apiOrigin: stack.app });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--use-fake-device-for-media-stream",
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
  ],
});

/** The upstream alone: the same call the Worker makes, timed from here (REST, as the Worker calls it). */
async function upstreamMs(model: string, body: unknown): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${fake.url}/run/${model}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`upstream ${model}: HTTP ${response.status}`);
  return performance.now() - started;
}

const releaseToText: number[] = [];
const breakdown = {
  beforeUpload: [] as number[],
  upload: [] as number[],
  afterUpload: [] as number[],
  beforeSpeech: [] as number[],
  speech: [] as number[],
  afterSpeech: [] as number[],
};
const recordingWindows: [number, number][] = [];
const transcribeUpstream: number[] = [];
const firstAudio: number[] = [];
const speechUpstream: number[] = [];
let longTasks: { start: number; duration: number }[] = [];
try {
  const cookie = await newIdentity(stack.app);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["microphone"], { origin: site.url });
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: site.url }]);
  const page = await context.newPage();
  // What went wrong in the page is printed, so a wait that ends early says why. Aborted requests are
  // not failures: Stop reading aborts the sentences asked for ahead, and a page update drops a read.
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      console.error(`[request failed] ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) console.error(`[response] ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on("request", (r) => {
    if (r.method() === "POST" && LIMITED.test(new URL(r.url()).pathname)) modelCalls.push(Date.now());
  });
  await observeLongTasks(page);
  // The recorded audio, kept in the page (Playwright does not expose a Blob body) to post to the
  // upstream directly: only the Blob is kept here, read after the measurement, so nothing is added
  // between the release and the request.
  await page.addInitScript(() => {
    const original = window.fetch;
    window.fetch = (input, init) => {
      if (String(input).includes("/api/audio/transcriptions") && init?.body instanceof Blob)
        (window as unknown as { __upload: Blob }).__upload = init.body;
      return original(input, init);
    };
  });
  await page.goto(`${site.url}/`);
  const composer = page.getByRole("textbox", { name: "Message", exact: true });
  await composer.fill("Tell me about Paris.");
  await composer.press("Enter");
  const answer = page.getByRole("article", { name: "Assistant" }).last();
  const readAloud = answer.getByRole("button", { name: "Read aloud" });
  await readAloud.waitFor({ timeout: 60_000 });
  const mic = page.getByRole("button", { name: "Dictate" });
  const between = (from: string, to: string) =>
    page.evaluate(
      // No named functions inside: tsx's keepNames would reference a helper the page does not have.
      ([a, b]) =>
        (performance.getEntriesByName(b).at(-1)?.startTime ?? Number.NaN) -
        (performance.getEntriesByName(a).at(-1)?.startTime ?? Number.NaN),
      [from, to] as const,
    );
  /** Throws the page's own words when a step failed (a refusal, an unreadable audio) instead of timing out. */
  const failedWith = async (iteration: number, prefix: string) => {
    const said = await page.getByRole("status").filter({ hasText: prefix }).allTextContents();
    if (said.length) throw new Error(`iteration ${iteration + 1}: ${said.join(" ")}`);
  };

  let perIteration = 4;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    await paceForLimit(perIteration);
    const callsBefore = modelCalls.length;
    // Dictation: hold for 1.2 s, release, wait for the words in the box.
    await composer.fill("");
    await mic.hover();
    const recordingFrom = await page.evaluate(() => performance.now());
    await page.mouse.down();
    await page.getByRole("button", { name: "Stop recording" }).waitFor();
    await page.waitForTimeout(1_200);
    await page.mouse.up();
    recordingWindows.push([recordingFrom, await page.evaluate(() => performance.now())]);
    // The frame in which the words are in the box, noted in the page (a later evaluate would add a
    // round trip to the browser to the figure).
    const seen = await page.waitForFunction(
      ([text, failure]) =>
        (document.getElementById("composer") as HTMLTextAreaElement | null)?.value === text
          ? performance.now()
          : [...document.querySelectorAll("[role=status]")].some((s) => s.textContent?.startsWith(failure)),
      [TRANSCRIPT, "Not transcribed:"] as const,
      { polling: "raf" },
    );
    await failedWith(i, "Not transcribed:");
    const textSeenAt = (await seen.jsonValue()) as number;
    const uploaded = await page.evaluate(async () => {
      const blob = (window as unknown as { __upload?: Blob }).__upload;
      if (!blob) return undefined;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = "";
      for (const b of bytes) binary += String.fromCharCode(b);
      return btoa(binary);
    });
    if (!uploaded) throw new Error("no upload seen");
    const direct = await upstreamMs(TRANSCRIBER, { audio: uploaded });

    // Read aloud: first sentence asked → first audio playing.
    await readAloud.click();
    await page.waitForFunction(
      (failure) =>
        performance.getEntriesByName("voice:first-audio").length > 0 ||
        [...document.querySelectorAll("[role=status]")].some((s) => s.textContent?.startsWith(failure)),
      "Not read aloud:",
    );
    await failedWith(i, "Not read aloud:");
    const spoken = await between("voice:first-sentence", "voice:first-audio");
    const speechDirect = await upstreamMs(SPEAKER, { prompt: FIRST_SENTENCE, lang: "en" });
    await answer.getByRole("button", { name: "Stop reading" }).click();
    await readAloud.waitFor();
    // Where the time went, from Resource Timing and the app's marks: before the request (the
    // recorder's stop; asking for the sentence), the request itself (browser → Worker → upstream →
    // browser) and after it (reading the JSON and showing the text; decoding the audio).
    // No named functions inside: tsx's keepNames would reference a helper the page does not have.
    const parts = await page.evaluate((seenAt) => {
      const [release, firstSentence, firstAudioAt] = ["voice:release", "voice:first-sentence", "voice:first-audio"].map(
        (name) => performance.getEntriesByName(name).at(-1)?.startTime ?? Number.NaN,
      );
      const [upload, speech] = ["/api/audio/transcriptions", "/api/audio/speech"].map((path) =>
        (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((e) => e.name.includes(path)),
      );
      return {
        dictated: seenAt - release,
        beforeUpload: (upload?.startTime ?? Number.NaN) - release,
        upload: upload ? upload.responseEnd - upload.startTime : Number.NaN,
        afterUpload: seenAt - (upload?.responseEnd ?? Number.NaN),
        beforeSpeech: (speech?.startTime ?? Number.NaN) - firstSentence,
        speech: speech ? speech.responseEnd - speech.startTime : Number.NaN,
        afterSpeech: firstAudioAt - (speech?.responseEnd ?? Number.NaN),
      };
    }, textSeenAt);
    await page.evaluate(() => {
      performance.clearMarks();
      performance.clearResourceTimings();
    });
    perIteration = Math.max(perIteration, modelCalls.length - callsBefore);
    if (i >= WARMUP) {
      releaseToText.push(parts.dictated);
      transcribeUpstream.push(direct);
      firstAudio.push(spoken);
      speechUpstream.push(speechDirect);
      for (const key of Object.keys(breakdown) as (keyof typeof breakdown)[]) breakdown[key].push(parts[key]);
    }
  }
  longTasks = await page.evaluate(() => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks);
  await context.close();
} finally {
  await browser.close();
  await site.close();
  stack.stop();
  await fake.close();
}

const ms = (n: number) => `${n.toFixed(1)}`.padStart(8);
const row = (label: string, total: number[], upstream: number[]) => {
  const share = total.map((t, i) => t - upstream[i]);
  return `${label.padEnd(34)} ${ms(percentile(total, 50))} ${ms(percentile(total, 90))} ${ms(percentile(upstream, 50))} ${ms(percentile(share, 50))} ${ms(percentile(share, 90))}`;
};
console.log(`voice, ${RUNS} runs (after ${WARMUP} warm-up), production build, fake upstream (TEST DOUBLE)`);
console.log(
  `${"".padEnd(34)} ${"p50 ms".padStart(8)} ${"p90 ms".padStart(8)} ${"upstream".padStart(8)} ${"app p50".padStart(8)} ${"app p90".padStart(8)}`,
);
console.log(row("release → text in the composer", releaseToText, transcribeUpstream));
console.log(row("first sentence → first audio", firstAudio, speechUpstream));
const p50 = (values: number[]) => `${percentile(values, 50).toFixed(1)} ms`;
console.log(
  `of which (p50): before the upload ${p50(breakdown.beforeUpload)}, the transcription request itself (Resource Timing) ${p50(breakdown.upload)}, its answer to the text shown ${p50(breakdown.afterUpload)}`,
);
console.log(
  `of which (p50): before the speech request ${p50(breakdown.beforeSpeech)}, the first sentence's request itself ${p50(breakdown.speech)}, its bytes to playing ${p50(breakdown.afterSpeech)}`,
);
const over50 = longTasks.filter((t) => t.duration > 50);
const whileRecording = over50.filter((t) => recordingWindows.some(([from, to]) => t.start >= from && t.start <= to));
const longest = (tasks: { duration: number }[]) =>
  tasks.length ? ` (longest ${Math.max(...tasks.map((t) => t.duration)).toFixed(0)} ms)` : "";
console.log(
  `long tasks (> 50 ms) while recording: ${whileRecording.length}${longest(whileRecording)}; over the whole run: ${over50.length}${longest(over50)}`,
);
