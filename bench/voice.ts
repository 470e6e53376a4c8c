/**
 * Voice (issue 26), measured in Chromium on the production build with its fake microphone: from the
 * release of the Dictate button to the transcript in the composer, and from an answer's first
 * complete sentence to its first audio playing (Read aloud), each against the upstream's own time for
 * the same call in the same run (the same recorded bytes, the same sentence, posted to it directly).
 * The upstream is the fake Workers AI (TEST DOUBLE), which answers at once, so what is left is the
 * app's share: the recorder's stop, the upload, the Worker (sniffing, limits, reserve/settle), the
 * decode and the start of playback. Target: at most 100 ms on this machine. Long tasks during the
 * recording (the level meter) are counted too.
 *   npm run bench:voice            RUNS=10
 *   APP_URL=http://localhost:7701 FAKE_AI_URL=http://127.0.0.1:11321 npm run bench:voice
 *     reuses a running fake stack (e2e/support/fake-stack.ts) instead of starting one: on a loaded
 *     machine a stack's start can outlast startStack's two minutes.
 */
import { mkdirSync } from "node:fs";
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
const transcribeRequest: number[] = [];
const speechRequest: number[] = [];
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
  await observeLongTasks(page);
  // The recorded bytes, kept in the page (Playwright does not expose a Blob body), to post to the upstream directly.
  await page.addInitScript(() => {
    const original = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input).includes("/api/audio/transcriptions") && init?.body instanceof Blob) {
        const bytes = new Uint8Array(await init.body.arrayBuffer());
        let binary = "";
        for (const b of bytes) binary += String.fromCharCode(b);
        (window as unknown as { __upload: string }).__upload = btoa(binary);
      }
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

  for (let i = 0; i < RUNS + WARMUP; i++) {
    // Dictation: hold for 1.2 s, release, wait for the words in the box.
    await composer.fill("");
    await mic.hover();
    const recordingFrom = await page.evaluate(() => performance.now());
    await page.mouse.down();
    await page.getByRole("button", { name: "Stop recording" }).waitFor();
    await page.waitForTimeout(1_200);
    await page.mouse.up();
    recordingWindows.push([recordingFrom, await page.evaluate(() => performance.now())]);
    await page.waitForFunction((text) => (document.getElementById("composer") as HTMLTextAreaElement | null)?.value === text, TRANSCRIPT, {
      polling: "raf",
    });
    const dictated = await page.evaluate(() => {
      const release = performance.getEntriesByName("voice:release").at(-1)?.startTime ?? Number.NaN;
      return performance.now() - release;
    });
    const uploaded = await page.evaluate(() => (window as unknown as { __upload?: string }).__upload);
    if (!uploaded) throw new Error("no upload seen");
    const direct = await upstreamMs(TRANSCRIBER, { audio: uploaded });

    // Read aloud: first sentence asked → first audio playing.
    await readAloud.click();
    await page.waitForFunction(() => performance.getEntriesByName("voice:first-audio").length > 0);
    const spoken = await between("voice:first-sentence", "voice:first-audio");
    const speechDirect = await upstreamMs(SPEAKER, { prompt: FIRST_SENTENCE, lang: "en" });
    await answer.getByRole("button", { name: "Stop reading" }).click();
    await readAloud.waitFor();
    // The request's own span (browser → Worker → upstream → browser), from Resource Timing.
    const [uploadMs, speakMs] = await page.evaluate(() =>
      ["/api/audio/transcriptions", "/api/audio/speech"].map((path) => {
        const entry = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((e) => e.name.includes(path))[0];
        return entry ? entry.responseEnd - entry.startTime : Number.NaN;
      }),
    );
    await page.evaluate(() => {
      performance.clearMarks();
      performance.clearResourceTimings();
    });
    if (i >= WARMUP) {
      releaseToText.push(dictated);
      transcribeUpstream.push(direct);
      firstAudio.push(spoken);
      speechUpstream.push(speechDirect);
      transcribeRequest.push(uploadMs);
      speechRequest.push(speakMs);
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
console.log(
  `of which the request itself (Resource Timing, p50): transcription ${percentile(transcribeRequest, 50).toFixed(1)} ms, first sentence's speech ${percentile(speechRequest, 50).toFixed(1)} ms`,
);
const over50 = longTasks.filter((t) => t.duration > 50);
const whileRecording = over50.filter((t) => recordingWindows.some(([from, to]) => t.start >= from && t.start <= to));
const longest = (tasks: { duration: number }[]) =>
  tasks.length ? ` (longest ${Math.max(...tasks.map((t) => t.duration)).toFixed(0)} ms)` : "";
console.log(
  `long tasks (> 50 ms) while recording: ${whileRecording.length}${longest(whileRecording)}; over the whole run: ${over50.length}${longest(over50)}`,
);
