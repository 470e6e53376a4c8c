import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../../../contract/errors";
import type { ImageRecord } from "../../../contract/images-api";
import { DEFAULT_IMAGE_MODEL, findImageModel, imageCost } from "../../../contract/image-models";
import { effectiveSettings } from "../../images/inputs";
import { type Budgets, budgetStatus } from "../../spend/spend";
import { bindingError, recordedRun, type RecordedCall } from "../../test/recorded-ai";
import { JPEG, JPEG_BASE64 } from "../../test/recorded-images";
import { type GenerateImageDeps, generateImageTool } from "./generate-image";
import { appFailure } from "../../test/app-failure";

const KLEIN = "@cf/black-forest-labs/flux-2-klein-4b";

function useAi(answer: (call: RecordedCall) => unknown | Promise<unknown>) {
  const fake = recordedRun(answer);
  vi.spyOn(env.AI, "run").mockImplementation(fake.run as never);
  return fake;
}

afterEach(() => vi.restoreAllMocks());

function priceOf(modelId: string): number {
  const model = findImageModel(modelId)!;
  return imageCost(model, effectiveSettings(model, {}));
}

/** A guest with its own daily budget, and the gallery writes the store would make. */
function person(guestBudget = 10_000, overrides: Partial<GenerateImageDeps> = {}) {
  const budgets: Budgets = { guest: guestBudget, account: 0, global: 0, address: 0, addressBlock: 0 };
  const saved: ImageRecord[] = [];
  const deps: GenerateImageDeps = {
    env,
    payer: { userId: crypto.randomUUID(), person: { kind: "guest", owner: false }, address: "local", budgets },
    saveImage: (record) => void saved.push(record),
    ...overrides,
  };
  const spent = async () => (await budgetStatus({ ...env, GUEST_DAILY_NEURONS: String(guestBudget) }, deps.payer)).used;
  const objects = async () => (await env.MEDIA.list({ prefix: `images/${deps.payer.userId}/` })).objects.map((o) => o.key);
  return { deps, saved, spent, objects };
}

async function run(deps: GenerateImageDeps, input: { prompt: string; model?: string }) {
  return generateImageTool(deps).execute!(input, { toolCallId: "call-1", messages: [], context: undefined });
}

describe("generate_image", () => {
  it("makes the image with the studio's default model, keeps it in R2 and the gallery, and charges its price", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const { deps, saved, spent, objects } = person();
    const output = await run(deps, { prompt: "  a lighthouse at dusk " });

    expect(fake.calls.map((c) => [c.model, c.inputs.prompt])).toEqual([[DEFAULT_IMAGE_MODEL, "a lighthouse at dusk"]]);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      prompt: "a lighthouse at dusk",
      model: DEFAULT_IMAGE_MODEL,
      contentType: "image/jpeg",
      bytes: JPEG.length,
    });
    expect(output).toEqual({
      imageId: saved[0].id,
      url: `/api/images/${saved[0].id}`,
      model: DEFAULT_IMAGE_MODEL,
      prompt: "a lighthouse at dusk",
    });
    expect(await objects()).toEqual([`images/${deps.payer.userId}/${saved[0].id}`]);
    expect(await spent()).toBe(priceOf(DEFAULT_IMAGE_MODEL));
    expect(saved[0].cost?.neurons).toBe(priceOf(DEFAULT_IMAGE_MODEL));
  });

  it("uses the catalog model the model picked", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const { deps, spent } = person();
    expect(await run(deps, { prompt: "a red fox", model: KLEIN })).toMatchObject({ model: KLEIN });
    expect(fake.calls.map((c) => c.model)).toEqual([KLEIN]);
    expect(await spent()).toBe(priceOf(KLEIN));
  });

  it("a budget that cannot cover the image refuses in words before any model call", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const { deps, saved, spent, objects } = person(1);
    const error = await appFailure(run(deps, { prompt: "a lighthouse" }));
    expect(error.code).toBe("budget_exhausted");
    expect(error.message).toMatch(/more than the 1 left in your budget|used your budget/);
    expect(fake.calls).toEqual([]);
    expect(saved).toEqual([]);
    expect(await objects()).toEqual([]);
    expect(await spent()).toBe(0);
  });

  it("a model failure is a tool error in words, and costs nothing", async () => {
    useAi(() => Promise.reject(bindingError(5004, "Input prompt contains NSFW content")));
    const { deps, saved, spent, objects } = person();
    const error = await appFailure(run(deps, { prompt: "something refused" }));
    expect(error.code).toBe("prompt_refused");
    expect(error.message).toMatch(/content policy/);
    expect(saved).toEqual([]);
    expect(await objects()).toEqual([]);
    expect(await spent()).toBe(0);
  });

  it("a gallery that refuses the record leaves no orphan bytes in R2", async () => {
    useAi(() => ({ image: JPEG_BASE64 }));
    const full = new AppError("quota_exceeded", "You have 500 images, the most one person may keep.");
    const { deps, objects, spent } = person(10_000, {
      saveImage: () => {
        throw full;
      },
    });
    expect((await appFailure(run(deps, { prompt: "one too many" }))).message).toMatch(/500 images/);
    expect(await objects()).toEqual([]);
    expect(await spent()).toBe(0);
  });

  it("asks the store for room before paying for the image, when the store offers the check", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const { deps, spent } = person(10_000, {
      checkRoomForImages: () => {
        throw new AppError("quota_exceeded", "No room for this image.");
      },
    });
    expect((await appFailure(run(deps, { prompt: "a lighthouse" }))).message).toBe("No room for this image.");
    expect(fake.calls).toEqual([]);
    expect(await spent()).toBe(0);
  });

  it("refuses an empty or too long description in words", async () => {
    const fake = useAi(() => ({ image: JPEG_BASE64 }));
    const { deps } = person();
    expect((await appFailure(run(deps, { prompt: "   " }))).message).toMatch(/empty/);
    expect((await appFailure(run(deps, { prompt: "x".repeat(3000) }))).message).toMatch(/at most 2048/);
    expect(fake.calls).toEqual([]);
  });
});
