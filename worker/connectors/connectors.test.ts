import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import type { ConnectorList, ConnectorResult } from "../../contract/connectors";
import { MCP_TEST_BEARER } from "../../e2e/support/mcp-test-bearer";
import { TestClient } from "../test/client";
import { storeOf } from "../test/store-of";
import { Connectors } from "./connectors";
import { toolKey } from "./keys";
import { ConnectorTable } from "./table";
import { connectorTools } from "./tools";

/**
 * Connectors against the REAL MCP server of e2e/support/mcp-server.ts, which runs on loopback in
 * vitest's Node process (worker/test/mcp-server-setup.ts) and which workerd reaches by fetch. The
 * store's own env refuses loopback (ALLOW_PRIVATE_OUTBOUND is "false" in wrangler.jsonc, as
 * deployed); the tests that talk to the server build the connectors over the store's SQL with that
 * one setting turned on, as `npm run dev` does.
 */
const server = inject("mcpServerUrl");
const devEnv = { ...env, ALLOW_PRIVATE_OUTBOUND: "true" };

async function guest(): Promise<TestClient> {
  const client = new TestClient();
  await client.startGuest();
  return client;
}

/** Runs `body` inside the client's Durable Object with connectors that may reach loopback. */
function inStore<T>(client: TestClient, body: (connectors: Connectors, sql: SqlStorage) => Promise<T>): Promise<T> {
  return runInDurableObject(storeOf(client), async (_instance, state) => {
    const table = new ConnectorTable(state.storage.sql, devEnv, state.id.name!);
    return body(new Connectors(table, devEnv), state.storage.sql);
  });
}

describe("connectors", () => {
  it("adds a bearer server, lists its tools, keeps the token encrypted and never returns it", async () => {
    const client = await guest();
    const { connector } = await inStore(client, (c) => c.add({ url: `${server}/bearer/mcp`, token: MCP_TEST_BEARER }, "http://app.test"));
    expect(connector.status).toBe("connected");
    expect(connector.name).toBe("test-tools");
    expect(connector.tools.map((t) => [t.name, t.enabled, t.askFirst])).toEqual([
      ["shout", true, true],
      ["add", true, true],
      ["fail", true, true],
    ]);

    const stored = await runInDurableObject(storeOf(client), (_i, state) =>
      state.storage.sql.exec<{ secret: string }>("SELECT secret FROM connectors").one(),
    );
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(MCP_TEST_BEARER);
    expect(atobSafe(stored.secret)).not.toContain(MCP_TEST_BEARER);

    const listed = await client.fetch("/api/connectors");
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(MCP_TEST_BEARER);
    expect(text).not.toContain(stored.secret);
    expect((JSON.parse(text) as ConnectorList).connectors[0]).toMatchObject({ hasToken: true, status: "connected", auth: "bearer" });
  });

  it("says in words when a server needs a token, is not an MCP server, or cannot be reached; keeps nothing", async () => {
    const client = await guest();
    const noToken = await inStore(client, (c) => c.add({ url: `${server}/bearer/mcp` }, "http://app.test").catch((e: Error) => e));
    expect(String(noToken)).toMatch(/needs you to sign in: add a bearer token/);
    const notMcp = await inStore(client, (c) => c.add({ url: `${server}/nothing-here` }, "http://app.test").catch((e: Error) => e));
    expect(String(notMcp)).toMatch(/not an MCP server/);
    const closed = await inStore(client, (c) => c.add({ url: "http://127.0.0.1:9/mcp" }, "http://app.test").catch((e: Error) => e));
    expect(String(closed)).toMatch(/could not be reached/);
    expect(await inStore(client, async (c) => c.list())).toEqual([]);
  });

  it("refuses a loopback address in the deployed configuration, before any request", async () => {
    const client = await guest();
    const response = await client.json("/api/connectors", "POST", { url: `${server}/open/mcp` });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("address_refused");
    expect(body.error.message).toMatch(/loopback/);
    expect(((await (await client.fetch("/api/connectors")).json()) as ConnectorList).connectors).toEqual([]);
  });

  it("validates input and limits connectors per person", async () => {
    const client = await guest();
    expect((await client.json("/api/connectors", "POST", { url: "ftp://example.com/mcp" })).status).toBe(400);
    expect((await client.json("/api/connectors", "POST", { url: "https://example.com/mcp", token: "a b" })).status).toBe(400);
    expect((await client.json("/api/connectors", "POST", { url: `https://example.com/${"x".repeat(2_100)}` })).status).toBe(400);
    expect((await client.json("/api/connectors", "POST", { url: "https://example.com/mcp", token: "t", oauth: true })).status).toBe(400);
    const full = await inStore(client, async (c) => {
      for (let i = 0; i < 10; i++)
        c.table.insert({
          id: `connector-${String(i).padStart(12, "0")}`,
          name: "x",
          url: `https://e${i}.example/mcp`,
          auth: "none",
          now: i,
        });
      return c.add({ url: `${server}/open/mcp` }, "http://app.test").catch((e: Error) => e);
    });
    expect(String(full)).toMatch(/most connectors allowed/);
  });

  it("falls back to the older HTTP+SSE transport when the server answers a POST with 405, and its tools run", async () => {
    const client = await guest();
    const { connector } = await inStore(client, (c) => c.add({ url: `${server}/sse/mcp` }, "http://app.test"));
    expect(connector.tools.map((t) => t.name)).toEqual(["shout", "add", "fail"]);
    const output = await inStore(client, async (c) => {
      const made = await connectorTools({ env: devEnv as Env, connectors: c.table, signal: AbortSignal.timeout(10_000) });
      const key = Object.keys(made.tools).find((k) => k.endsWith("_shout"))!;
      try {
        return await made.tools[key].execute!({ text: "over sse" }, { toolCallId: "1", messages: [], context: {} });
      } finally {
        await made.close();
      }
    });
    expect(JSON.stringify(output)).toContain("OVER SSE");
  });

  it("switches a tool off and its approval, keeps the switches across a refresh, and offers only what is on", async () => {
    const client = await guest();
    const { connector } = await inStore(client, (c) => c.add({ url: `${server}/open/mcp` }, "http://app.test"));
    const off = await client.json(`/api/connectors/${connector.id}/tools/add`, "PATCH", { enabled: false });
    expect(off.status).toBe(200);
    await client.json(`/api/connectors/${connector.id}/tools/shout`, "PATCH", { askFirst: false });
    const refreshed = await inStore(client, (c) => c.refresh(connector.id));
    expect(refreshed.connector.tools.map((t) => [t.name, t.enabled, t.askFirst])).toEqual([
      ["shout", true, false],
      ["add", false, true],
      ["fail", true, true],
    ]);

    const offered = await inStore(client, async (c) => {
      const made = await connectorTools({ env: devEnv as Env, connectors: c.table, signal: AbortSignal.timeout(10_000) });
      const shoutKey = Object.keys(made.tools).find((k) => k.endsWith("_shout"))!;
      const output = await made.tools[shoutKey].execute!({ text: "hello" }, { toolCallId: "1", messages: [], context: {} });
      await made.close();
      const titles = Object.fromEntries(Object.entries(made.tools).map(([key, tool]) => [key, tool.title]));
      return { keys: Object.keys(made.tools), needsApproval: made.needsApproval, labels: made.labels, titles, output };
    });
    const prefix = `mcp_${connector.id.slice(0, 6)}_`;
    expect(offered.keys).toEqual([`${prefix}shout`, `${prefix}fail`]);
    expect(offered.needsApproval).toEqual({ [`${prefix}shout`]: false, [`${prefix}fail`]: true });
    expect(offered.labels[`${prefix}shout`]).toBe("shout (test-tools)");
    expect(offered.titles[`${prefix}shout`]).toBe("shout (test-tools)");
    expect(JSON.stringify(offered.output)).toContain("HELLO");

    const onlyOne = await inStore(client, async (c) => {
      const made = await connectorTools({
        env: devEnv as Env,
        connectors: c.table,
        enabledKeys: [`${prefix}fail`],
        signal: AbortSignal.timeout(10_000),
      });
      await made.close();
      return Object.keys(made.tools);
    });
    expect(onlyOne).toEqual([`${prefix}fail`]);
  });

  it("leaves a connector that fails out of the answer and saves why", async () => {
    const client = await guest();
    const result = await inStore(client, async (c) => {
      const { connector } = await c.add({ url: `${server}/bearer/mcp`, token: MCP_TEST_BEARER }, "http://app.test");
      await c.table.writeSecret(connector.id, { bearer: "wrong-token" });
      const made = await connectorTools({ env: devEnv as Env, connectors: c.table, signal: AbortSignal.timeout(10_000) });
      await made.close();
      return { tools: Object.keys(made.tools), after: c.table.get(connector.id)! };
    });
    expect(result.tools).toEqual([]);
    expect(result.after.status).toBe("needs_auth");
    expect(result.after.lastError).toMatch(/needs you to sign in/);
  });

  it("signs in with OAuth (dynamic registration, PKCE, state) and connects; a forged state is refused", async () => {
    const client = await guest();
    const started: ConnectorResult = await inStore(client, (c) => c.add({ url: `${server}/oauth/mcp`, oauth: true }, "http://app.test"));
    expect(started.connector.status).toBe("needs_auth");
    const authorize = new URL(started.authorizeUrl!);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("redirect_uri")).toBe("http://app.test/api/connectors/oauth/callback");

    // The test server's authorize step approves at once (TEST ONLY) and sends the browser back.
    const approved = await fetch(authorize, { redirect: "manual" });
    const back = new URL(approved.headers.get("location")!);
    expect(back.pathname).toBe("/api/connectors/oauth/callback");

    const forged = await inStore(client, (c) =>
      c
        .finishOAuth({ code: back.searchParams.get("code")!, state: `${started.connector.id}.forged` }, "http://app.test")
        .catch((e: Error) => e),
    );
    expect(String(forged)).toMatch(/Sign-in failed: .*state parameter mismatch/);
    expect(await inStore(client, async (c) => c.table.get(started.connector.id)!.status)).toBe("needs_auth");

    // Through the Worker's callback route, as the browser comes back: it lands on Settings → Connectors.
    const callback = await client.fetch(`${back.pathname}${back.search}`, { redirect: "manual" });
    expect(callback.status).toBe(303);
    // The store's own env refuses loopback (deployed config): the route's answer says so in words.
    expect(decodeURIComponent(callback.headers.get("location")!)).toMatch(/^\/connectors\?error=.*loopback/);

    const done = await inStore(client, async (c) => {
      // The code was spent by neither refusal above (both stopped before the exchange): finish it with loopback allowed.
      await c.finishOAuth({ code: back.searchParams.get("code")!, state: back.searchParams.get("state")! }, "http://app.test");
      return c.table.get(started.connector.id)!;
    });
    expect(done.status).toBe("connected");
    expect(done.tools.map((t) => t.name)).toEqual(["shout", "add", "fail"]);
    const secret = await runInDurableObject(
      storeOf(client),
      (_i, state) => state.storage.sql.exec<{ secret: string }>("SELECT secret FROM connectors").one().secret,
    );
    expect(secret).not.toMatch(/access_token|code_verifier/);
  });

  it("removes a connector with its tools and secret, and the account's deletion wipes them", async () => {
    const client = await guest();
    const { connector } = await inStore(client, (c) => c.add({ url: `${server}/bearer/mcp`, token: MCP_TEST_BEARER }, "http://app.test"));
    expect((await client.fetch(`/api/connectors/${connector.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await client.fetch(`/api/connectors/${connector.id}`, { method: "DELETE" })).status).toBe(404);
    const left = await runInDurableObject(storeOf(client), (_i, state) => ({
      connectors: state.storage.sql.exec("SELECT * FROM connectors").toArray().length,
      tools: state.storage.sql.exec("SELECT * FROM connector_tools").toArray().length,
    }));
    expect(left).toEqual({ connectors: 0, tools: 0 });

    await inStore(client, (c) => c.add({ url: `${server}/bearer/mcp`, token: MCP_TEST_BEARER }, "http://app.test"));
    await storeOf(client).deleteEverything();
    const afterWipe = await runInDurableObject(
      storeOf(client),
      (_i, state) => state.storage.sql.exec("SELECT * FROM connectors").toArray().length,
    );
    expect(afterWipe).toBe(0);
  });

  it("decrypts only for the same person and connector", async () => {
    const a = await guest();
    const b = await guest();
    const stolen = await inStore(a, async (c, sql) => {
      const { connector } = await c.add({ url: `${server}/bearer/mcp`, token: MCP_TEST_BEARER }, "http://app.test");
      expect(await c.table.readSecret(connector.id)).toEqual({ bearer: MCP_TEST_BEARER });
      return { id: connector.id, secret: sql.exec<{ secret: string }>("SELECT secret FROM connectors").one().secret };
    });
    const inOther = await inStore(b, async (c, sql) => {
      c.table.insert({ id: stolen.id, name: "x", url: `${server}/bearer/mcp`, auth: "bearer", now: 1 });
      sql.exec("UPDATE connectors SET secret = ? WHERE id = ?", stolen.secret, stolen.id);
      return c.table.readSecret(stolen.id);
    });
    expect(inOther).toBeNull();
  });
});

describe("tool keys", () => {
  it("are mcp_<6 of the id>_<name>, cleaned, at most 64 and unique", () => {
    const taken = new Set<string>();
    expect(toolKey("AbCdEfGhIj", "get weather!", taken)).toBe("mcp_AbCdEf_get_weather_");
    expect(toolKey("AbCdEfGhIj", "get_weather?", taken)).toBe("mcp_AbCdEf_get_weather__2");
    const long = toolKey("AbCdEfGhIj", "x".repeat(100), taken);
    expect(long).toHaveLength(64);
    const again = toolKey("AbCdEfGhIj", "x".repeat(90), taken);
    expect(again).toHaveLength(64);
    expect(again).not.toBe(long);
    for (const key of taken) expect(key).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

function atobSafe(text: string): string {
  return text
    .split(".")
    .map((part) => {
      try {
        return atob(part.replace(/-/g, "+").replace(/_/g, "/"));
      } catch {
        return part;
      }
    })
    .join(".");
}
