import { Hono } from "hono";
import type { BackendStatus } from "../../contract/api";
import { resolveAiBackend } from "../ai/seam";
import type { AppEnv } from "../http/app-types";
import { budgetStatus } from "../spend/spend";

/** GET /api/status: who answers, so the UI never pretends. For the local engine, what it has loaded. */
export const status = new Hono<AppEnv>().get("/", async (c) => {
  const backend = resolveAiBackend(c.env);
  const body: BackendStatus = { kind: backend.kind, label: backend.label, budget: await budgetStatus(c.env, c.var), owner: c.var.person.owner };
  if (backend.kind === "local-engine") body.engine = await engineStatus(c.env.WORKERS_AI_REST_URL);
  return c.json(body);
});

async function engineStatus(restUrl: string): Promise<NonNullable<BackendStatus["engine"]>> {
  const url = new URL(restUrl);
  try {
    const response = await fetch(`${url.origin}/local/status`, { signal: AbortSignal.timeout(2000) });
    return (await response.json()) as NonNullable<BackendStatus["engine"]>;
  } catch {
    return { ready: false, problem: `The local engine at ${url.host} is not answering. Restart \`npm run dev\`, which starts it.` };
  }
}
