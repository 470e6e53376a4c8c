import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTestImageModels } from "./fixtures";
import type { ImageJob } from "./pipeline";
import { ImageRunner } from "./runner";

/** TEST HARNESS: the runner with its child in reach, so a test can kill it the way a crash would. */
class ObservedImageRunner extends ImageRunner {
  started: ChildProcess[] = [];
  protected onChildStart(child: ChildProcess): void {
    this.started.push(child);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const job = (seed: number, size = 256): ImageJob => ({ prompt: "a red square", steps: 2, guidance: 1, width: size, height: size, seed });

describe("ImageRunner", () => {
  let runner: ObservedImageRunner;
  beforeAll(async () => {
    runner = new ObservedImageRunner({ modelDir: await ensureTestImageModels(), threads: 1 });
  });
  afterAll(() => runner.close());

  it("makes queued images one after another, and a cancelled queued job never runs", async () => {
    const first = runner.generate(job(1), new AbortController().signal);
    const cancelled = new AbortController();
    const second = runner.generate(job(2), cancelled.signal);
    const third = runner.generate(job(3), new AbortController().signal);
    cancelled.abort(new Error("changed my mind"));

    await expect(second).rejects.toThrow("changed my mind");
    const [a, c] = await Promise.all([first, third]);
    expect(a.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect(c.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect(a.equals(c)).toBe(false); // different seeds, different pictures
  });

  it("fails the image under way when its process dies, then starts a new process for the next", async () => {
    await runner.generate(job(4), new AbortController().signal); // the model is loaded: the next job runs at once
    const child = runner.started.at(-1)!;
    const drawing = runner.generate(job(4, 1024), new AbortController().signal);
    child.kill("SIGKILL");
    await expect(drawing).rejects.toMatchObject({ status: 500, message: expect.stringMatching(/stopped \(SIGKILL\) while drawing/) });

    const next = await runner.generate(job(5), new AbortController().signal);
    expect(next.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect(runner.started.at(-1)!.pid).not.toBe(child.pid);
  });
});
