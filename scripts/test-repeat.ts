/**
 * Runs one suite N times in a row and reports every failure, so "it is green every time" can be
 * checked rather than hoped: `npm run test:repeat -- worker 20` (suites: worker, engine, e2e, all).
 * Exits non-zero if any run failed; each failed run's output is kept under .cache/test-repeat/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const SUITES: Record<string, string[]> = {
  worker: ["run", "test:worker"],
  engine: ["run", "test:engine"],
  e2e: ["run", "test:e2e"],
  all: ["test"],
};

const [suite = "worker", timesText = "10"] = process.argv.slice(2);
const times = Number(timesText);
const args = SUITES[suite];
if (!args || !Number.isInteger(times) || times < 1) {
  console.error(`usage: npm run test:repeat -- <${Object.keys(SUITES).join("|")}> <times>`);
  process.exit(2);
}

mkdirSync(".cache/test-repeat", { recursive: true });
const failures: number[] = [];
const durations: number[] = [];
for (let run = 1; run <= times; run++) {
  const started = performance.now();
  const result = spawnSync("npm", args, { encoding: "utf8", maxBuffer: 512 * 1024 * 1024, env: process.env });
  const seconds = (performance.now() - started) / 1000;
  durations.push(seconds);
  const ok = result.status === 0;
  if (!ok) {
    failures.push(run);
    const file = `.cache/test-repeat/${suite}-run${run}.log`;
    writeFileSync(file, `${result.stdout}\n${result.stderr}`);
    console.log(`run ${run}/${times}: FAILED in ${seconds.toFixed(1)} s (output in ${file})`);
  } else {
    console.log(`run ${run}/${times}: passed in ${seconds.toFixed(1)} s`);
  }
}
const total = durations.reduce((a, b) => a + b, 0);
console.log(
  `\n${suite}: ${times - failures.length} of ${times} runs passed; ${total.toFixed(0)} s in all, ${(total / times).toFixed(1)} s a run${failures.length ? `; failed runs: ${failures.join(", ")}` : ""}`,
);
process.exit(failures.length ? 1 : 0);
