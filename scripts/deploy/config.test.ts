import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { readDeployConfig } from "./config";

const ROOT = resolve(import.meta.dirname, "../..");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "deploy-config-"));
  mkdirSync(join(dir, "deploy"));
  copyFileSync(join(ROOT, "deploy/r2-lifecycle.json"), join(dir, "deploy/r2-lifecycle.json"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withOutbound(value: string) {
  const config = readFileSync(join(ROOT, "wrangler.jsonc"), "utf8");
  const changed = config.replace(/"ALLOW_PRIVATE_OUTBOUND": "false"/, `"ALLOW_PRIVATE_OUTBOUND": "${value}"`);
  expect(changed).toContain(`"ALLOW_PRIVATE_OUTBOUND": "${value}"`);
  writeFileSync(join(dir, "wrangler.jsonc"), changed);
}

describe("readDeployConfig", () => {
  test("the project's own wrangler.jsonc keeps private outbound addresses off", () => {
    withOutbound("false");
    expect(readDeployConfig(dir).workerName).toBeTruthy();
  });

  test("refuses to deploy with ALLOW_PRIVATE_OUTBOUND on, saying which setting", () => {
    withOutbound("true");
    expect(() => readDeployConfig(dir)).toThrow(/ALLOW_PRIVATE_OUTBOUND is "true"/);
    withOutbound(" TRUE ");
    expect(() => readDeployConfig(dir)).toThrow(/ALLOW_PRIVATE_OUTBOUND/);
  });
});
