import { Hono } from "hono";
import type { BackendStatus } from "../../contract/api";
import { LOCAL_ENGINE_HEADER, LOCAL_ENGINE_LABEL } from "../../contract/local-engine";
import { resolveAiBackend, type AiEnv } from "../ai/backend";
import type { AppEnv } from "../http/app-types";
import { isNewVisitor } from "../http/new-visitor";
import { budgetStatus, unspentBudgetStatus } from "../spend/spend";

type EngineStatus = NonNullable<BackendStatus["engine"]>;

/**
 * GET /api/status: who answers, so the UI never pretends. A REST server is the local engine only when
 * it says so on `/local/status`; then the page also learns what the engine has loaded.
 */
export const status = new Hono<AppEnv>().get("/", async (c) => {
  const backend = resolveAiBackend(c.env);
  const budget = isNewVisitor(c) ? unspentBudgetStatus(c.env, c.var.person) : await budgetStatus(c.env, c.var);
  const owner = c.var.person.owner;
  const { WORKERS_AI_REST_URL: restUrl, WORKERS_AI_TOKEN: token }: AiEnv = c.env;
  const engine = restUrl && backend.transport === "rest" ? await localEngineStatus(restUrl, token) : undefined;
  const body: BackendStatus = engine
    ? { kind: "local-engine", label: LOCAL_ENGINE_LABEL, budget, owner, engine }
    : { kind: backend.transport, label: backend.label, budget, owner };
  return c.json(body);
});

/** What the local engine has loaded, or undefined when the server is not the local engine (or does not answer). */
async function localEngineStatus(restUrl: string, token: string | undefined): Promise<EngineStatus | undefined> {
  const url = new URL(restUrl);
  if (url.hostname.endsWith(".cloudflare.com")) return undefined;
  try {
    // The engine asks every caller for the token dev gave it (engine/request-guard.ts).
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await fetch(`${url.origin}/local/status`, { headers, signal: AbortSignal.timeout(2000) });
    if (!response.headers.has(LOCAL_ENGINE_HEADER)) return undefined;
    return (await response.json()) as EngineStatus;
  } catch {
    return undefined;
  }
}
