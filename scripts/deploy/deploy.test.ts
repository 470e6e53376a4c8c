import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";

// `npm run deploy`'s provisioning against the stand-in Wrangler (fake-wrangler.mjs): what it is asked,
// in which order, on an empty account and on one that has everything.

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = resolve(ROOT, "node_modules/tsx/dist/cli.mjs");
const DEPLOY = resolve(ROOT, "scripts/deploy.ts");
const FAKE = resolve(ROOT, "scripts/deploy/fake-wrangler.mjs");

interface Call {
  argv: string[];
  stdin?: string;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "deploy-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder: the real wrangler.jsonc (with VECTOR_INDEX changed if asked) and lifecycle rule. */
function project(vectorIndex: "sqlite" | "vectorize"): string {
  const folder = join(dir, "project");
  mkdirSync(join(folder, "deploy"), { recursive: true });
  const config = readFileSync(join(ROOT, "wrangler.jsonc"), "utf8");
  const changed = config.replace(/"VECTOR_INDEX": "sqlite"/, `"VECTOR_INDEX": "${vectorIndex}"`);
  expect(changed.includes(`"VECTOR_INDEX": "${vectorIndex}"`)).toBe(true);
  writeFileSync(join(folder, "wrangler.jsonc"), changed);
  copyFileSync(join(ROOT, "deploy/r2-lifecycle.json"), join(folder, "deploy/r2-lifecycle.json"));
  return folder;
}

function account(state: Record<string, unknown> = {}) {
  const file = join(dir, "account.json");
  const empty = { loggedIn: true, buckets: [], lifecycle: {}, indexes: [], metadata: {}, workerExists: false, secrets: [] };
  writeFileSync(file, JSON.stringify({ ...empty, ...state }));
  return file;
}

async function deploy(cwd: string, stateFile: string, extra: string[] = []) {
  const log = join(dir, "calls.jsonl");
  writeFileSync(log, "");
  const child = spawn(process.execPath, [TSX, DEPLOY, "--no-build", ...extra], {
    cwd,
    env: { ...process.env, WRANGLER_BIN: FAKE, FAKE_WRANGLER_STATE: stateFile, FAKE_WRANGLER_LOG: log, CLOUDFLARE_API_TOKEN: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const code = await new Promise<number>((done) => child.on("close", (c) => done(c ?? 1)));
  const calls: Call[] = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { code, stdout, stderr, calls, commands: calls.map((c) => c.argv.join(" ")) };
}

const CREATES = /^(r2 bucket create|r2 bucket lifecycle add|vectorize create|vectorize create-metadata-index|secret put) /;

describe("npm run deploy", () => {
  test("on an empty account it creates the bucket, its lifecycle rule, the Vectorize index and the secret, then deploys", async () => {
    const state = account();
    const run = await deploy(project("vectorize"), state);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.commands.filter((c) => CREATES.test(c))).toEqual([
      "r2 bucket create workers-ai-chat-media",
      "r2 bucket lifecycle add workers-ai-chat-media --name expire-unasked-uploads --prefix pending-uploads/ --expire-days 2",
      "vectorize create workers-ai-chat-documents --dimensions=768 --metric=cosine",
      "vectorize create-metadata-index workers-ai-chat-documents --property-name=document --type=string",
      "secret put SESSION_SECRET",
    ]);
    // Everything is created before the deploy, which comes last.
    expect(run.commands.at(-1)).toBe("deploy");

    // The secret: long, random, given on stdin only, and never in what the deploy printed.
    const secret = run.calls.find((c) => c.argv.join(" ") === "secret put SESSION_SECRET")?.stdin ?? "";
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(run.calls.some((c) => c.argv.some((a) => a.includes(secret)))).toBe(false);
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
    expect(run.stdout).toContain("Creating R2 bucket workers-ai-chat-media");
    expect(run.stdout).toContain("Creating secret SESSION_SECRET (generated)");

    // A second deploy finds everything and creates nothing.
    const again = await deploy(project("vectorize"), state);
    expect(again.code).toBe(0);
    expect(again.commands.filter((c) => CREATES.test(c))).toEqual([]);
    expect(again.commands).toEqual([
      "whoami --json",
      "r2 bucket list",
      "r2 bucket lifecycle list workers-ai-chat-media",
      "vectorize list --json",
      "vectorize list-metadata-index workers-ai-chat-documents --json",
      "secret list --format json",
      "deploy",
    ]);
    expect(again.stdout).toContain("already has every resource and secret");
  });

  test("with the SQLite index (the default) no Vectorize index is listed or made, and an existing secret is kept", async () => {
    const state = account({ buckets: ["workers-ai-chat-media"], workerExists: true, secrets: ["SESSION_SECRET"] });
    const run = await deploy(ROOT, state, ["--", "--keep-vars"]);
    expect(run.code).toBe(0);
    expect(run.commands.some((c) => c.startsWith("vectorize"))).toBe(false);
    expect(run.commands.filter((c) => CREATES.test(c))).toEqual([
      "r2 bucket lifecycle add workers-ai-chat-media --name expire-unasked-uploads --prefix pending-uploads/ --expire-days 2",
    ]);
    expect(run.commands.at(-1)).toBe("deploy --keep-vars");
    expect(run.stdout).toContain("VECTOR_INDEX is sqlite");
  });

  test("a Wrangler failure stops the deploy with the command and Wrangler's reason, and nothing after it runs", async () => {
    const run = await deploy(project("vectorize"), account({ failOn: "r2 bucket create" }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Deploy stopped: `wrangler r2 bucket create workers-ai-chat-media` failed (exit code 1):");
    expect(run.stderr).toContain("Authentication error [code: 10000]");
    expect(run.commands.at(-1)).toBe("r2 bucket create workers-ai-chat-media");
    expect(run.commands).not.toContain("deploy");
  });

  test("a failing `secret put` that repeats its input still never shows the secret", async () => {
    const run = await deploy(project("sqlite"), account({ failOn: "secret put" }));
    expect(run.code).toBe(1);
    const secret = run.calls.find((c) => c.argv[0] === "secret" && c.argv[1] === "put")?.stdin ?? "";
    expect(secret.length).toBeGreaterThan(30);
    expect(run.stderr).toContain("(input was [secret])");
    expect(run.stderr + run.stdout).not.toContain(secret);
    expect(run.commands).not.toContain("deploy");
  });

  test("not signed in, and no terminal to sign in on: it says how to sign in and asks Cloudflare nothing else", async () => {
    const run = await deploy(project("sqlite"), account({ loggedIn: false }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Not signed in to Cloudflare. Run `node scripts/wrangler.mjs login`");
    expect(run.commands).toEqual(["whoami --json"]);
  });

  test("VECTOR_INDEX set to something else stops before Wrangler is asked anything", async () => {
    const folder = project("sqlite");
    const config = readFileSync(join(folder, "wrangler.jsonc"), "utf8").replace('"VECTOR_INDEX": "sqlite"', '"VECTOR_INDEX": "pinecone"');
    writeFileSync(join(folder, "wrangler.jsonc"), config);
    const run = await deploy(folder, account());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("VECTOR_INDEX in wrangler.jsonc must be sqlite or vectorize, not pinecone.");
    expect(run.commands).toEqual([]);
  });
});
