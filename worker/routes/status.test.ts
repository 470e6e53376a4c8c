import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LOCAL_ENGINE_HEADER } from "../../contract/local-engine";
import app from "../index";

afterEach(() => vi.restoreAllMocks());

async function status(vars: Partial<Env>) {
  const response = await app.fetch(new Request("http://app.test/api/status"), { ...env, ...vars }, createExecutionContext());
  return (await response.json()) as any;
}

describe("GET /api/status", () => {
  it("says Workers AI when the binding answers", async () => {
    expect(await status({ WORKERS_AI_REST_URL: "" })).toMatchObject({
      kind: "binding",
      label: "Workers AI",
      budget: { limit: Number(env.GUEST_DAILY_NEURONS), used: 0 },
      owner: false,
    });
  });

  // TEST DOUBLE: the local engine's status answer, with the header it names itself by.
  const engineStatus = () => Response.json({ ready: true, textModel: "tiny.gguf" }, { headers: { [LOCAL_ENGINE_HEADER]: "1" } });

  it("reports the local engine's loaded model when the server says it is the local engine", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(engineStatus());
    expect(await status({ WORKERS_AI_REST_URL: "http://127.0.0.1:8788/client/v4/accounts/local/ai" })).toMatchObject({
      kind: "local-engine",
      label: "Local engine",
      engine: { ready: true, textModel: "tiny.gguf" },
    });
    expect(String(spy.mock.calls[0][0])).toBe("http://127.0.0.1:8788/local/status");
  });

  it("sends the engine the token dev gave it, and none when there is none", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => engineStatus());
    const url = "http://127.0.0.1:8788/client/v4/accounts/local/ai";
    await status({ WORKERS_AI_REST_URL: url, WORKERS_AI_TOKEN: "dev-engine-token" } as Partial<Env>);
    expect(new Headers(spy.mock.calls[0][1]?.headers).get("authorization")).toBe("Bearer dev-engine-token");
    await status({ WORKERS_AI_REST_URL: url, WORKERS_AI_TOKEN: "" } as Partial<Env>);
    expect(new Headers(spy.mock.calls[1][1]?.headers).has("authorization")).toBe(false);
  });

  it("does not call another Workers AI-compatible server on this machine the local engine", async () => {
    // TEST DOUBLE: a server that answers /local/status (many things might) but is not the engine.
    vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ ready: false, problem: "not mine" }));
    const body = await status({ WORKERS_AI_REST_URL: "http://127.0.0.1:9999/client/v4/accounts/local/ai" });
    expect(body).toMatchObject({ kind: "rest", label: "Workers AI-compatible server at 127.0.0.1:9999" });
    expect(body.engine).toBeUndefined();
  });

  it("says nothing about a local engine when the server does not answer its status", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed"));
    const body = await status({ WORKERS_AI_REST_URL: "http://127.0.0.1:8788/client/v4/accounts/local/ai" });
    expect(body).toMatchObject({ kind: "rest", label: "Workers AI-compatible server at 127.0.0.1:8788" });
    expect(body.engine).toBeUndefined();
  });

  it("labels another REST server by its host, and Cloudflare's own as Workers AI without asking it", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("not found", { status: 404 }));
    expect(await status({ WORKERS_AI_REST_URL: "https://ai.example.net/v1/ai" })).toMatchObject({
      kind: "rest",
      label: "Workers AI-compatible server at ai.example.net",
    });
    expect(await status({ WORKERS_AI_REST_URL: "https://api.cloudflare.com/client/v4/accounts/a/ai" })).toMatchObject({
      kind: "rest",
      label: "Workers AI (REST)",
    });
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
