import { describe, expect, it } from "vitest";
import { findImageModel, IMAGE_MODELS, imageCost } from "../../contract/image-models";
import { CHAT_MODELS } from "../../contract/models";
import { formatCost, tokenCost } from "../../contract/pricing";

const model = (id: string) => findImageModel(id)!;

describe("prices", () => {
  it("every catalog model has a price, and says where it comes from", () => {
    for (const m of [...CHAT_MODELS, ...IMAGE_MODELS]) expect(["published", "estimate"]).toContain(m.price.source);
    for (const m of CHAT_MODELS) expect(m.price.outputPerM).toBeGreaterThan(0);
  });

  it("prices tokens per million, rounded up to whole neurons", () => {
    const price = { inputPerM: 2457, outputPerM: 18252, source: "published" as const }; // Llama 3.2 1B
    expect(tokenCost(price, 1_000_000, 0)).toBe(2457);
    expect(tokenCost(price, 0, 1_000_000)).toBe(18252);
    expect(tokenCost(price, 1, 1)).toBe(1);
    expect(tokenCost(price, 0, 0)).toBe(0);
  });

  it("prices FLUX.1 [schnell] per 512×512 tile and per step, as Cloudflare states it", () => {
    // 1024×1024 is 4 tiles at 4.80 neurons, plus 9.60 per step.
    expect(imageCost(model("@cf/black-forest-labs/flux-1-schnell"), { steps: 4 })).toBe(Math.ceil(4 * 4.8 + 4 * 9.6));
    expect(imageCost(model("@cf/black-forest-labs/flux-1-schnell"), { steps: 8 })).toBe(Math.ceil(4 * 4.8 + 8 * 9.6));
  });

  it("prices by size: tiles are counted per side", () => {
    const klein = model("@cf/black-forest-labs/flux-2-klein-4b");
    const small = imageCost(klein, { width: 512, height: 512 });
    expect(imageCost(klein, { width: 1024, height: 768 })).toBe(Math.ceil(4 * klein.price.perTile));
    expect(imageCost(klein, { width: 1024, height: 1024 })).toBeGreaterThan(3 * small);
    // FLUX.2 [dev] is priced per tile per step: four times the tiles, four times the price.
    const dev = model("@cf/black-forest-labs/flux-2-dev");
    expect(imageCost(dev, { width: 1024, height: 1024 })).toBe(4 * imageCost(dev, { width: 512, height: 512 }));
  });

  it("prices Stable Diffusion by its own steps", () => {
    const sdxl = model("@cf/stabilityai/stable-diffusion-xl-base-1.0");
    expect(imageCost(sdxl, { width: 1024, height: 1024, steps: 20 })).toBeGreaterThan(
      imageCost(sdxl, { width: 1024, height: 1024, steps: 5 }),
    );
  });

  it("shows neurons and dollars, and says when it is an estimate", () => {
    expect(formatCost({ neurons: 1000, estimated: false })).toBe("≈ 1,000 neurons (≈ $0.01)");
    expect(formatCost({ neurons: 7, estimated: true })).toBe("≈ 7 neurons (≈ $0.000077), estimate");
  });
});
