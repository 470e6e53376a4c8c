import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestImageModels } from "./fixtures";
import { ImagePipeline, type ImageJob } from "./pipeline";
import { ClipTokenizer } from "./tokenizer";

let dir: string;
let pipeline: ImagePipeline;
beforeAll(async () => {
  dir = await ensureTestImageModels();
  pipeline = await ImagePipeline.load(dir, 1);
});
afterAll(() => pipeline.close());

const job = (over: Partial<ImageJob> = {}): ImageJob => ({
  prompt: "a red fox",
  steps: 2,
  guidance: 0,
  width: 300,
  height: 200,
  seed: 7,
  ...over,
});

describe("image pipeline on the generated SD-Turbo-layout models", () => {
  it("makes a PNG of exactly the requested size, even off the 8-pixel latent grid", async () => {
    const png = await pipeline.generate(job());
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: "png", width: 300, height: 200, channels: 3 });
    const { channels } = await sharp(png).stats();
    expect(channels.some((c) => c.stdev > 10)).toBe(true); // a picture, not a flat fill
  });

  it("is byte-identical for the same prompt and seed, and differs for another seed or prompt", async () => {
    const a = await pipeline.generate(job());
    const again = await pipeline.generate(job());
    const otherSeed = await pipeline.generate(job({ seed: 8 }));
    const otherPrompt = await pipeline.generate(job({ prompt: "the blue sea" }));
    expect(again.equals(a)).toBe(true);
    expect(otherSeed.equals(a)).toBe(false);
    expect(otherPrompt.equals(a)).toBe(false);
  });

  it("uses the negative prompt when guidance is on", async () => {
    const a = await pipeline.generate(job({ guidance: 3, negativePrompt: "fog" }));
    const b = await pipeline.generate(job({ guidance: 3, negativePrompt: "rain" }));
    expect(a.equals(b)).toBe(false);
  });

  it("stops at the next checkpoint when asked", async () => {
    await expect(
      pipeline.generate(job(), () => {
        throw new Error("aborted");
      }),
    ).rejects.toThrow("aborted");
  });
});

describe("CLIP tokenizer", () => {
  it("frames the prompt with start and end, applies merges, and pads to 77", () => {
    const tokenizer = ClipTokenizer.load(dir);
    const ids = tokenizer.encode("The  THE");
    expect(ids).toHaveLength(77);
    // "the</w>" is one merged token, and case and extra spaces do not matter.
    expect(ids.slice(0, 4)).toEqual([tokenizer.bos, ids[1], ids[1], tokenizer.eos]);
    expect(new Set(ids.slice(4))).toEqual(new Set([tokenizer.pad]));
    expect(tokenizer.encode("a fox")).not.toEqual(tokenizer.encode("a cat"));
  });
});
