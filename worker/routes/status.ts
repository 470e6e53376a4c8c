import { Hono } from "hono";
import type { BackendStatus } from "../../contract/api";
import { resolveAiBackend } from "../ai/seam";
import type { AppEnv } from "../http/app-types";
import { budgetStatus } from "../spend/spend";

/** GET /api/status: who answers, so the UI never pretends. For the local engine, what it has loaded. */
export const status = new Hono<AppEnv>().get("/", async (c) => {
  const backend = resolveAiBackend(c.env);
  const body: BackendStatus = { kind: backend.kind, label: backend.label, budget: await budgetStatus(c.env, c.var), owner: c.var.person.owner };
  if (backend.kind === "local-engine") body.engine = await engineStatus(c.env.WORKERS_AI_REST_URL, (c.env as { WORKERS_AI_TOKEN?: string }).WORKERS_AI_TOKEN);
  return c.json(body);
});

async function engineStatus(restUrl: string, token: string | undefined): Promise<NonNullable<BackendStatus["engine"]>> {
  const url = new URL(restUrl);
  try {
    // The engine asks every caller for the token dev gave it (engine/request-guard.ts).
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const response = await fetch(`${url.origin}/local/status`, { headers, signal: AbortSignal.timeout(2000) });
    return (await response.json()) as NonNullable<BackendStatus["engine"]>;
  } catch {
    return { ready: false, problem: `The local engine at ${url.host} is not answering. Restart \`npm run dev\`, which starts it.` };
  }
}
