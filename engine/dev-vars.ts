import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The Worker's variables for `npm run dev`, read from the shell so one command runs the app against
 * the local engine (default), real Workers AI, or any server that speaks the contract:
 *   WORKERS_AI_REST_URL  unset: start the local engine and point at it
 *   WORKERS_AI_TOKEN     bearer token for that URL (real Workers AI needs one)
 *   LOCAL_ENGINE_TOKEN   the local engine's token; unset: a random one per start, which the Worker
 *                        then sends as WORKERS_AI_TOKEN (so no other program on the machine can use it)
 *   LOCAL_TEXT_MODEL     GGUF file the local engine serves (read by the engine itself)
 *   AI_GATEWAY_ID        route binding calls through AI Gateway
 *   ALLOW_PRIVATE_OUTBOUND  "true" unless set: tools and connectors may fetch loopback/private addresses
 * The values are written back to process.env too: the Cloudflare plugin reads declared secrets and
 * vars from there and lets them win over the config, so a blank shell variable would otherwise blank
 * out the engine's URL.
 */
const AUTH_VARS = [
  // Daily budgets (worker/spend/spend.ts): the browser tests' stacks raise the shared ones.
  "GUEST_DAILY_NEURONS",
  "ACCOUNT_DAILY_NEURONS",
  "GLOBAL_DAILY_NEURONS",
  "ADDRESS_DAILY_NEURONS",
  "ADDRESS_BLOCK_DAILY_NEURONS",
  "GUESTS",
  "GUESTS_PER_ADDRESS_PER_HOUR",
  "SIGNUP",
  "TURNSTILE_SITE_KEY",
  "TURNSTILE_SECRET_KEY",
  "TURNSTILE_VERIFY_URL",
  "WEBAUTHN_RP_ID",
  "WEBAUTHN_ORIGIN",
  "ACCESS_TEAM_DOMAIN",
  "ACCESS_AUD",
  "ACCESS_CERTS_URL",
  "ACCESS_OWNER_EMAILS",
  "SESSION_SECRET_PREVIOUS",
];

export async function devWorkerVars(): Promise<Record<string, string>> {
  const restUrl = process.env.WORKERS_AI_REST_URL?.trim();
  // Kept in process.env, so a second call in this process (Vite re-reading its config) agrees with
  // the engine already started.
  const engineToken = restUrl ? undefined : (process.env.LOCAL_ENGINE_TOKEN ||= randomBytes(32).toString("base64url"));
  const vars = {
    WORKERS_AI_REST_URL: restUrl || (await startLocalEngine(engineToken!)),
    WORKERS_AI_TOKEN: engineToken ?? process.env.WORKERS_AI_TOKEN ?? "",
    AI_GATEWAY_ID: process.env.AI_GATEWAY_ID ?? "",
    SESSION_SECRET: process.env.SESSION_SECRET || devSessionSecret(),
    // Who gets in (worker/auth/config.ts): wrangler.jsonc's defaults unless the shell sets them.
    ...Object.fromEntries(AUTH_VARS.flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []))),
    // read_web_page and connectors may reach loopback and private addresses (worker/http/outbound-url.ts):
    // a developer's own MCP server on localhost. On unless the shell says ALLOW_PRIVATE_OUTBOUND=false.
    ALLOW_PRIVATE_OUTBOUND: process.env.ALLOW_PRIVATE_OUTBOUND?.trim() || "true",
    // Model-written titles (worker/store/conversations/model-title.ts): on unless the shell says MODEL_TITLES=off.
    ...(process.env.MODEL_TITLES ? { MODEL_TITLES: process.env.MODEL_TITLES } : {}),
  };
  Object.assign(process.env, vars);
  return vars;
}

/**
 * The engine runs as its own process beside Vite: a crash there (a bad model file) cannot take the
 * dev server down, and its download progress bar owns the terminal line it prints on.
 */
async function startLocalEngine(token: string): Promise<string> {
  const port = Number(process.env.LOCAL_ENGINE_PORT ?? 8788);
  const child = spawn(process.execPath, ["--import", "tsx", resolve("engine/main.ts")], {
    stdio: "inherit",
    env: { ...process.env, LOCAL_ENGINE_PORT: String(port), LOCAL_ENGINE_TOKEN: token },
  });
  const stop = () => child.kill("SIGTERM");
  process.once("exit", stop);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => (stop(), process.exit(130)));

  const statusUrl = `http://127.0.0.1:${port}/local/status`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The local engine exited (code ${child.exitCode}); see its output above.`);
    try {
      if ((await fetch(statusUrl, { headers: { authorization: `Bearer ${token}` } })).ok)
        return `http://127.0.0.1:${port}/client/v4/accounts/local/ai`;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`The local engine did not start on port ${port} within 30 s.`);
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
