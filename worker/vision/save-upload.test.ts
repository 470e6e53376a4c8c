import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { failingStore } from "../test/failing-store";
import { TINY_PNG } from "../test/vision-images";
import { saveUpload } from "./save-upload";
import { uploadKey } from "./uploads";

describe("saveUpload", () => {
  it("removes the R2 object again when the record cannot be saved, and says why", async () => {
    const userId = `upload-${crypto.randomUUID()}`;
    const image = { id: "up1", mediaType: "image/png" as const, width: 1, height: 1, bytes: TINY_PNG.byteLength };
    const store = failingStore();
    await expect(saveUpload(env.MEDIA, store, userId, image, TINY_PNG)).rejects.toThrow("the store is unavailable");
    expect(store.attempts).toEqual(["addVisionImage"]);
    expect(await env.MEDIA.head(uploadKey(userId, image.id))).toBeNull();
  });
});
