import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { failingStore } from "../test/failing-store";
import { TINY_PNG } from "../test/vision-images";
import { saveUpload } from "./save-upload";
import lifecycle from "../../deploy/r2-lifecycle.json?raw";
import { uploadTtlHours } from "../store/vision/upload-expiry";
import { PENDING_UPLOADS_PREFIX, pendingUploadKey } from "./uploads";

describe("saveUpload", () => {
  it("removes the R2 object again when the record cannot be saved, and says why", async () => {
    const userId = `upload-${crypto.randomUUID()}`;
    const image = { id: "up1", mediaType: "image/png" as const, width: 1, height: 1, bytes: TINY_PNG.byteLength };
    const store = failingStore();
    await expect(saveUpload(env.MEDIA, store, userId, image, TINY_PNG)).rejects.toThrow("the store is unavailable");
    expect(store.attempts).toEqual(["addVisionImage"]);
    expect(await env.MEDIA.head(pendingUploadKey(userId, image.id))).toBeNull();
  });
});

describe("the bucket's lifecycle rule (deploy/r2-lifecycle.json)", () => {
  it("expires only the pending prefix, and later than the app's own cleanup", () => {
    const { rules } = JSON.parse(lifecycle) as {
      rules: { conditions: { prefix: string }; deleteObjectsTransition: { condition: { type: string; maxAge: number } } }[];
    };
    expect(rules).toHaveLength(1);
    expect(rules[0].conditions.prefix).toBe(PENDING_UPLOADS_PREFIX);
    expect(rules[0].deleteObjectsTransition.condition.type).toBe("Age");
    expect(rules[0].deleteObjectsTransition.condition.maxAge).toBeGreaterThan(uploadTtlHours(env.UPLOAD_TTL_HOURS) * 3600);
  });
});
