/**
 * Vision Q&A time to first token: an uploaded 1024×768 photo-like image and a question through the
 * Worker (`POST /api/vision`, the stored image attached by the Worker) against the same request sent
 * straight to the local engine, on the generated tiny image-to-text model.
 *   npx tsx bench/vision-ttft.ts
 */
import sharp from "sharp";
import { isUiTextDelta, isWorkersAiToken, newIdentity, percentile, startStack, timeStream } from "./stack";

const RUNS = Number(process.env.RUNS ?? 10);
const MODEL = "@cf/meta/llama-4-scout-17b-16e-instruct";

const { width, height } = { width: 1024, height: 768 };
const noise = Buffer.alloc(width * height * 3);
for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
const image = await sharp(noise, { raw: { width, height, channels: 3 } })
  .webp({ quality: 80 })
  .toBuffer();

const stack = await startStack({ port: 5183, enginePort: 8883 });
try {
  const cookie = await newIdentity(stack.app);
  const upload = await fetch(`${stack.app}/api/vision/images`, {
    method: "POST",
    headers: { cookie, "content-type": "image/webp" },
    body: new Uint8Array(image),
  });
  const { id: imageId } = (await upload.json()) as { id: string };
  const dataUrl = `data:image/webp;base64,${image.toString("base64")}`;
  const direct: number[] = [];
  const viaWorker: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const d = await timeStream(
      `${stack.engine}/run/${MODEL}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...stack.engineHeaders },
        body: JSON.stringify({
          stream: true,
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "Describe this image" },
                { type: "image_url", image_url: { url: dataUrl } },
              ],
            },
          ],
        }),
      },
      isWorkersAiToken,
    );
    const w = await timeStream(
      `${stack.app}/api/vision`,
      {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({
          id: `visionbench${String(i).padStart(4, "0")}xxxxxx`,
          imageId,
          model: MODEL,
          messages: [{ id: `q${i}`, role: "user", parts: [{ type: "text", text: "Describe this image" }] }],
        }),
      },
      isUiTextDelta,
    );
    if (i > 0) direct.push(d.ttftMs), viaWorker.push(w.ttftMs);
  }
  console.log(`vision TTFT, ${RUNS} runs, ${width}×${height} WebP (${image.length} bytes), generated tiny image-to-text model`);
  console.log(`engine alone:        p50 ${percentile(direct, 50).toFixed(1)} ms   p90 ${percentile(direct, 90).toFixed(1)} ms`);
  console.log(`through the Worker:  p50 ${percentile(viaWorker, 50).toFixed(1)} ms   p90 ${percentile(viaWorker, 90).toFixed(1)} ms`);
} finally {
  stack.stop();
}
