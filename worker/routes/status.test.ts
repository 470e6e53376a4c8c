import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../index";

afterEach(() => vi.restoreAllMocks());

async function status(vars: Partial<Env>) {
  const response = await app.fetch(new Request("http://app.test/api/status"), { ...env, ...vars }, createExecutionContext());
  return (await response.json()) as any;
}

describe("GET /api/status", () => {
  it("says Workers AI when the binding answers", async () => {
    expect(await status({ WORKERS_AI_REST_URL: "" })).toMatchObject({ kind: "binding", label: "Workers AI", budget: { limit: Number(env.GUEST_DAILY_NEURONS), used: 0 }, owner: false });
  });

  it("reports the local engine's loaded model", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ ready: true, textModel: "tiny.gguf" }));
    expect(await status({ WORKERS_AI_REST_URL: "http://127.0.0.1:8788/client/v4/accounts/local/ai" })).toMatchObject({
      kind: "local-engine",
      label: "Local engine",
      engine: { ready: true, textModel: "tiny.gguf" },
    });
    expect(String(spy.mock.calls[0][0])).toBe("http://127.0.0.1:8788/local/status");
  });

  it("sends the engine the token dev gave it, and none when there is none", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ ready: true, textModel: "tiny.gguf" }));
    const url = "http://127.0.0.1:8788/client/v4/accounts/local/ai";
    await status({ WORKERS_AI_REST_URL: url, WORKERS_AI_TOKEN: "dev-engine-token" } as Partial<Env>);
    expect(new Headers(spy.mock.calls[0][1]?.headers).get("authorization")).toBe("Bearer dev-engine-token");
    await status({ WORKERS_AI_REST_URL: url, WORKERS_AI_TOKEN: "" } as Partial<Env>);
    expect(new Headers(spy.mock.calls[1][1]?.headers).has("authorization")).toBe(false);
  });

  it("says what to do when the local engine does not answer", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed"));
    const body = await status({ WORKERS_AI_REST_URL: "http://127.0.0.1:8788/client/v4/accounts/local/ai" });
    expect(body.engine.ready).toBe(false);
    expect(body.engine.problem).toContain("npm run dev");
  });

  it("labels another REST server by its host", async () => {
    expect(await status({ WORKERS_AI_REST_URL: "https://ai.example.net/v1/ai" })).toMatchObject({ kind: "rest", label: "REST · ai.example.net" });
  });
});
