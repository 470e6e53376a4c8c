/**
 * Uploads: the vision page's in-browser resize (app/ui/resize-image.ts, the app's own code) of a
 * 12-megapixel photo-like JPEG (4000×3000, gradients and noise, made here with sharp) in Chromium:
 * time and bytes before and after. The baseline is sending the file as it is (0 ms, all its bytes).
 *   npm run bench:upload          RUNS=5
 */
import sharp from "sharp";
import { ensureAppBuilt, ensurePagesBuilt, launchChromium, serveBuilt } from "./browser";
import { fmt, median } from "./stack";

const RUNS = Number(process.env.RUNS ?? 5);
const [W, H] = [4000, 3000];

// Photo-like: smooth colour gradients plus per-pixel noise, so JPEG cannot cheat on flat areas.
const raw = Buffer.alloc(W * H * 3);
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    const n = (rand() - 0.5) * 40;
    raw[i] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(x / 400) + n));
    raw[i + 1] = Math.max(0, Math.min(255, 128 + 100 * Math.cos(y / 300) + n));
    raw[i + 2] = Math.max(0, Math.min(255, 128 + 80 * Math.sin((x + y) / 500) + n));
  }
}
const jpeg = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
  .jpeg({ quality: 90 })
  .toBuffer();

const site = await serveBuilt({ appDir: ensureAppBuilt(), pagesDir: ensurePagesBuilt(), files: { "/photo.jpg": jpeg } });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${site.url}/bench/upload.html`);
  await page.waitForFunction(() => "resize" in window);
  type Result = {
    ms: number;
    original: { bytes: number; width: number; height: number };
    sent: { bytes: number; width: number; height: number; type: string };
  };
  const results: Result[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    results.push(
      await page.evaluate((url) => (globalThis as unknown as { resize: (u: string) => Promise<Result> }).resize(url), "/photo.jpg"),
    );
  }
  const first = results[0];
  const ms = median(results.slice(1).map((r) => r.ms));
  const ratio = first.original.bytes / first.sent.bytes;
  console.log(`Upload resize in Chromium (app/ui/resize-image.ts), ${RUNS} runs after one warm-up`);
  console.log(
    `  original (baseline: sent as is)  ${first.original.width}×${first.original.height} JPEG  ${fmt(first.original.bytes / 1024, 0)} KB`,
  );
  console.log(
    `  after resize                     ${first.sent.width}×${first.sent.height} ${first.sent.type}  ${fmt(first.sent.bytes / 1024, 0)} KB   (${fmt(ratio, 1)}× fewer bytes)`,
  );
  console.log(
    `  time p50 ${fmt(ms, 0)} ms (first run ${fmt(first.ms, 0)} ms, max ${fmt(Math.max(...results.slice(1).map((r) => r.ms)), 0)} ms)`,
  );
  console.log(`  target < 300 ms: ${ms < 300 ? "MET" : "NOT MET"}; target ≥ 10× fewer bytes: ${ratio >= 10 ? "MET" : "NOT MET"}`);
} finally {
  await browser.close();
  await site.close();
}
