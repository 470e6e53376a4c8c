import { describe, expect, it } from "vitest";
import { bindingError } from "../test/recorded-ai";
import { WorkersAiRunError } from "./rest-binding";
import { withRetries } from "./retry";
import type { AiBinding } from "./binding";

/** A binding whose calls fail with the given errors in turn, then answer "ok". */
function flaky(...failures: Error[]) {
  const calls: number[] = [];
  const binding = {
    run: async () => {
      calls.push(Date.now());
      const failure = failures.shift();
      if (failure) throw failure;
      return { response: "ok" };
    },
  } satisfies AiBinding;
  return { binding, calls };
}

const run = (binding: AiBinding, signal?: AbortSignal) =>
  (binding.run as (m: string, i: unknown, o?: unknown) => Promise<unknown>)("@cf/x/y", {}, { signal });
// No real waiting and a clock that never runs out: these tests are about which errors retry, not time.
const fast = { attempts: 3, baseMs: 20, budgetMs: 5_000, now: () => 0, sleep: async () => {} };

describe("withRetries", () => {
  it("retries capacity (3040) and answers", async () => {
    const { binding, calls } = flaky(
      bindingError(3040, "Capacity temporarily exceeded"),
      bindingError(3040, "Capacity temporarily exceeded"),
    );
    expect(await run(withRetries(binding, fast))).toEqual({ response: "ok" });
    expect(calls).toHaveLength(3);
  });

  it("retries HTTP 429 and 5xx from the REST API and an unreachable server", async () => {
    const { binding, calls } = flaky(
      new WorkersAiRunError(undefined, "HTTP 503: busy", 503),
      new WorkersAiRunError(undefined, "could not reach host: fetch failed"),
    );
    expect(await run(withRetries(binding, fast))).toEqual({ response: "ok" });
    expect(calls).toHaveLength(3);
  });

  it.each([
    ["daily allocation 4006", bindingError(4006, "daily free allocation used")],
    ["daily allocation 3036", bindingError(3036, "daily free allocation used")],
    ["context window 5021", bindingError(5021, "too long")],
    ["bad input 5004", bindingError(5004, "invalid")],
  ])("never retries %s", async (_name, error) => {
    const { binding, calls } = flaky(error);
    await expect(run(withRetries(binding, fast))).rejects.toBe(error);
    expect(calls).toHaveLength(1);
  });

  it("gives up after the bounded number of attempts with the last error", async () => {
    const last = bindingError(3040, "third");
    const { binding, calls } = flaky(bindingError(3040, "first"), bindingError(3040, "second"), last, bindingError(3040, "never asked"));
    await expect(run(withRetries(binding, fast))).rejects.toBe(last);
    expect(calls).toHaveLength(3);
  });

  it("stops retrying once the time budget would be exceeded", async () => {
    // A clock the test owns and a fixed jitter: the backoffs are 0.5 × 400 × 2^(n-1) = 200, 400, ...
    // ms, so the first retry fits the 300 ms budget and the second (200 + 400) would not. No wall clock.
    let clock = 0;
    const slept: number[] = [];
    const policy = {
      attempts: 10,
      baseMs: 400,
      budgetMs: 300,
      random: () => 0.5,
      now: () => clock,
      sleep: async (ms: number) => {
        slept.push(ms);
        clock += ms;
      },
    };
    const { binding, calls } = flaky(bindingError(3040, "a"), bindingError(3040, "b"), bindingError(3040, "c"));
    await expect(run(withRetries(binding, policy))).rejects.toThrow("b");
    expect(slept).toEqual([200]);
    expect(calls).toHaveLength(2);
  });

  it("spreads retries with full jitter: the delay is random × base × 2^(n-1)", async () => {
    const draws = [0.25, 0.75];
    const slept: number[] = [];
    const policy = {
      attempts: 3,
      baseMs: 100,
      budgetMs: 10_000,
      random: () => draws.shift()!,
      sleep: async (ms: number) => void slept.push(ms),
    };
    const { binding } = flaky(bindingError(3040, "a"), bindingError(3040, "b"));
    expect(await run(withRetries(binding, policy))).toEqual({ response: "ok" });
    expect(slept).toEqual([25, 150]);
  });

  it("does not retry once the caller has gone away", async () => {
    const controller = new AbortController();
    controller.abort();
    const { binding, calls } = flaky(bindingError(3040, "busy"));
    await expect(run(withRetries(binding, fast), controller.signal)).rejects.toThrow();
    expect(calls).toHaveLength(1);
  });
});
