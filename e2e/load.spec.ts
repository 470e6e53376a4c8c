import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";

// Not a browser test and not a timing test: the load script (bench/load.ts, bounded in count and
// time, loopback only) must get 100 concurrent chat streams through the Worker with zero errors.
// Its figures are printed for the record; only the error count is asserted (the script's exit code).
test("100 concurrent chat streams through the Worker finish with zero errors", async () => {
  test.setTimeout(240_000);
  // Its own ports, moved with E2E_PORT_BASE like every stack's: the test process's FAKE_AI_PORT is
  // the fake project's, whose server is already listening there.
  const base = Number(process.env.E2E_PORT_BASE ?? 5174);
  const env = { ...process.env, STREAMS: "100", PORT: String(base + 12), FAKE_AI_PORT: String(base + 3722) };
  const run = spawnSync(process.execPath, ["--import", "tsx", "bench/load.ts"], { encoding: "utf8", env, timeout: 230_000 });
  console.log(run.stdout);
  expect(run.stdout).toContain("completed          100/100 streams");
  expect(run.status, run.stderr.slice(-2000)).toBe(0);
});
