import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { randomId } from "../../contract/ids";
import app from "../index";
import { sharesStore } from "../share/stub";

function uniqueIpv4() {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `198.${a}.${b}.${c}`;
}

/** SHARES as the Worker sees it, counting every object it is asked for (any `shares:N` shard or list). */
function countingShares() {
  const counter = { objects: 0 };
  const namespace = {
    idFromName: (name: string) => env.SHARES.idFromName(name),
    get: (id: DurableObjectId) => {
      counter.objects++;
      return env.SHARES.get(id);
    },
  };
  return { counter, env: { ...env, SHARES: namespace as unknown as Env["SHARES"] } };
}

async function visit(token: string, address: string, withEnv: Env) {
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`http://app.test/api/shared/${token}`, { headers: { "cf-connecting-ip": address } }),
    withEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("share-link reads per client address", () => {
  it("a burst of reads from one address gets 429 before any shares shard; another address still reads the link", async () => {
    const shared = await sharesStore(env).share(`owner-${randomId()}`, randomId(), "Public plan", '{"title":"Public plan"}', 100);
    if (shared === "limit") throw new Error("limit");
    const { token } = shared.link;
    const { counter, env: counted } = countingShares();

    const attacker = uniqueIpv4();
    let first429 = -1;
    for (let i = 0; i < 500 && first429 < 0; i++) {
      // Guessed tokens, half of them well-formed (those reach a shard), half not.
      const guess = i % 2 ? `${randomId()}${randomId()}`.slice(0, 43) : "nonsense";
      const response = await visit(guess, attacker, counted);
      await response.body?.cancel();
      if (response.status === 429) first429 = i;
      else expect(response.status).toBe(404);
    }
    // wrangler.jsonc's IP_RATE_LIMITER: 300 a minute per address for this purpose.
    expect(first429).toBeGreaterThanOrEqual(300);

    const reached = counter.objects;
    const refused = await visit(token, attacker, counted);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(refused.headers.get("set-cookie")).toBeNull();
    await refused.body?.cancel();
    expect(counter.objects).toBe(reached);

    const elsewhere = await visit(token, uniqueIpv4(), counted);
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.text()).toBe('{"title":"Public plan"}');
  });
});
