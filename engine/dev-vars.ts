import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { startEngine } from "./server";

/**
 * The Worker's variables for `npm run dev`, read from the shell so one command runs the app against
 * the local engine (default), real Workers AI, or any server that speaks the contract:
 *   WORKERS_AI_REST_URL  unset: start the local engine here and point at it
 *   WORKERS_AI_TOKEN     bearer token for that URL (real Workers AI needs one)
 *   LOCAL_TEXT_MODEL     GGUF file the local engine serves
 *   AI_GATEWAY_ID        route calls through AI Gateway
 */
export async function devWorkerVars(): Promise<Record<string, string>> {
  let restUrl = process.env.WORKERS_AI_REST_URL?.trim();
  if (!restUrl) {
    const engine = await startEngine({
      port: Number(process.env.LOCAL_ENGINE_PORT ?? 8788),
      textModelPath: process.env.LOCAL_TEXT_MODEL || undefined,
    });
    restUrl = engine.url;
    const stop = () => void engine.close();
    process.once("exit", stop);
  }
  return {
    WORKERS_AI_REST_URL: restUrl,
    WORKERS_AI_TOKEN: process.env.WORKERS_AI_TOKEN ?? "",
    AI_GATEWAY_ID: process.env.AI_GATEWAY_ID ?? "",
    SESSION_SECRET: process.env.SESSION_SECRET || devSessionSecret(),
  };
}

/** A per-checkout random secret, kept so identity cookies (and so your history) survive restarts. */
function devSessionSecret(): string {
  const file = resolve(".cache/dev-session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
