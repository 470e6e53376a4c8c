import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ImageRecord } from "../../contract/images-api";
import { failingStore } from "../test/failing-store";
import { mediaKey, saveImage } from "./media";

describe("saveImage", () => {
  it("removes the R2 object again when the record cannot be saved, and says why", async () => {
    const userId = `media-${crypto.randomUUID()}`;
    const record: ImageRecord = {
      id: "img1",
      prompt: "a lighthouse",
      model: "@cf/black-forest-labs/flux-1-schnell",
      settings: {},
      seed: null,
      width: 1,
      height: 1,
      contentType: "image/png",
      bytes: 3,
      durationMs: 1,
      createdAt: Date.now(),
      servedBy: "Workers AI",
    };
    const store = failingStore();
    await expect(saveImage(env.MEDIA, store, userId, record, Uint8Array.from([1, 2, 3]))).rejects.toThrow("the store is unavailable");
    expect(store.attempts).toEqual(["saveImage"]);
    expect(await env.MEDIA.head(mediaKey(userId, record.id))).toBeNull();
    expect((await env.MEDIA.list({ prefix: `images/${userId}/` })).objects).toHaveLength(0);
  });
});
