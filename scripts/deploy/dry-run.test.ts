import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";

// The build `npm run deploy` uploads passes the real `wrangler deploy --dry-run`, offline: Wrangler
// bundles it with its config and checks it, stopping short of the upload (and of any account).

const ROOT = resolve(import.meta.dirname, "../..");
const DEPLOY_REDIRECT = join(ROOT, ".wrangler/deploy/config.json");
const run = promisify(execFile);

test("wrangler deploy --dry-run accepts the build, with the bindings provisioning creates", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dry-run-"));
  // `vite build` points .wrangler/deploy/config.json at its output: put back whatever was there.
  const redirect = existsSync(DEPLOY_REDIRECT) ? readFileSync(DEPLOY_REDIRECT, "utf8") : undefined;
  try {
    await run(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error", "--outDir", join(dir, "build")], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const config = join(dir, "build/workers_ai_chat/wrangler.json");
    const { stdout } = await run(
      process.execPath,
      ["scripts/wrangler.mjs", "deploy", "--dry-run", "--config", config, "--outdir", join(dir, "out")],
      {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_API_TOKEN: "" },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toContain("--dry-run: exiting now.");
    // The names scripts/deploy.ts creates are the ones the Worker is bound to.
    expect(stdout).toMatch(/env\.MEDIA \(workers-ai-chat-media\)\s+R2 Bucket/);
    expect(stdout).toMatch(/env\.VECTORIZE \(workers-ai-chat-documents\)\s+Vectorize Index/);
    expect(stdout).toMatch(/env\.USER_STORE \(UserStore\)\s+Durable Object/);
    expect(stdout).toMatch(/Read \d+ files from the assets directory/);
    expect(readFileSync(join(dir, "out/index.js"), "utf8").length).toBeGreaterThan(10_000);
  } finally {
    if (redirect === undefined) rmSync(DEPLOY_REDIRECT, { force: true });
    else writeFileSync(DEPLOY_REDIRECT, redirect);
    rmSync(dir, { recursive: true, force: true });
  }
});
