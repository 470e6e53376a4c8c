import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TestClient } from "../../test/client";
import { storeOf, userIdOf } from "../../test/store-of";
import { TINY_PNG } from "../../test/vision-images";
import { uploadTtlHours } from "./upload-expiry";

const HOUR = 60 * 60 * 1000;
const ttl = uploadTtlHours(env.UPLOAD_TTL_HOURS) * HOUR;

async function upload(client: TestClient): Promise<string> {
  const response = await client.fetch("/api/vision/images", {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: TINY_PNG,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Moves the store's clock: the sweep runs as if it were `at`. */
async function setClock(client: TestClient, at: number) {
  await runInDurableObject(storeOf(client), (store) => void (store.person.seams.clock.now = () => at));
}

async function state(client: TestClient) {
  const listed = await Promise.all(
    ["uploads/", "pending-uploads/"].map((prefix) => env.MEDIA.list({ prefix: `${prefix}${userIdOf(client)}/` })),
  );
  const keys = listed.flatMap((l) => l.objects.map((o) => o.key.split("/").at(-1)!));
  return runInDurableObject(storeOf(client), async (_store, s) => ({
    records: s.storage.sql
      .exec<{ id: string }>(`SELECT id FROM vision_images ORDER BY id`)
      .toArray()
      .map((r) => r.id),
    objects: keys.sort(),
    alarm: await s.storage.getAlarm(),
  }));
}

describe("uploads never asked about expire", () => {
  it("schedules an alarm for the upload's expiry, and the alarm deletes record and object of photos unasked for the whole TTL", async () => {
    expect(ttl).toBe(24 * HOUR); // wrangler.jsonc's default
    const client = new TestClient();
    const before = Date.now();
    const asked = await upload(client);
    const unasked = await upload(client);
    const after = Date.now();
    // A thread about `asked` (written directly: no model is needed to refer to an image).
    await runInDurableObject(storeOf(client), (_store, s) => {
      s.storage.sql.exec(
        `INSERT INTO vision_threads (id, image_id, title, model, created_at, updated_at) VALUES ('thread1', ?, 't', 'm', 0, 0)`,
        asked,
      );
    });

    const scheduled = await state(client);
    expect(scheduled.records).toEqual([asked, unasked].sort());
    expect(scheduled.objects).toEqual([asked, unasked].sort());
    expect(scheduled.alarm).toBeGreaterThanOrEqual(before + ttl);
    expect(scheduled.alarm).toBeLessThanOrEqual(after + ttl);

    // An hour early, nothing goes; the next alarm is the unasked photo's expiry (the asked one has none).
    await setClock(client, before + ttl - HOUR);
    expect(await runDurableObjectAlarm(storeOf(client))).toBe(true);
    const early = await state(client);
    expect(early.records).toHaveLength(2);
    expect(early.alarm).toBeGreaterThanOrEqual(scheduled.alarm!);
    expect(early.alarm).toBeLessThanOrEqual(after + ttl);

    // Past the TTL: the unasked photo is gone from the store and from R2; the asked one stays.
    await setClock(client, after + ttl);
    expect(await runDurableObjectAlarm(storeOf(client))).toBe(true);
    const swept = await state(client);
    expect(swept.records).toEqual([asked]);
    expect(swept.objects).toEqual([asked]);
    expect(swept.alarm).toBeNull(); // nothing left that can expire
    expect((await client.fetch(`/api/vision/images/${unasked}`)).status).toBe(404);
    expect((await client.fetch(`/api/vision/images/${asked}`)).status).toBe(200);
  });

  it("keeps the earlier alarm when a later upload comes, so every job sharing the alarm still runs", async () => {
    const client = new TestClient();
    await upload(client);
    const first = (await state(client)).alarm!;
    await upload(client);
    expect((await state(client)).alarm).toBe(first);
  });

  it("reads UPLOAD_TTL_HOURS, 24 when unset or unreadable, 0 to keep uploads", () => {
    expect(uploadTtlHours("6")).toBe(6);
    expect(uploadTtlHours(undefined)).toBe(24);
    expect(uploadTtlHours("soon")).toBe(24);
    expect(uploadTtlHours("0")).toBe(0);
  });
});
