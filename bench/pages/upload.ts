/** Harness for bench/upload.ts: the app's own resizer (app/ui/resize-image.ts) on a fetched photo. */
import { resizeImage } from "../../app/ui/resize-image";

(window as unknown as { resize: (url: string) => Promise<unknown> }).resize = async (url: string) => {
  const file = await (await fetch(url)).blob();
  const start = performance.now();
  const prepared = await resizeImage(file);
  const ms = performance.now() - start;
  return { ms, original: prepared.original, sent: { ...prepared.sent, type: prepared.blob.type } };
};
