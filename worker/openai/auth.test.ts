import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { personWithKey, v1 } from "../test/openai-client";

function uniqueIpv4() {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `203.${a}.${b}.${c}`;
}

/** API_KEYS as the Worker sees it, counting every object it is asked for (any `keys:N` shard or list). */
function countingKeys() {
  const counter = { objects: 0 };
  const namespace = {
    idFromName: (name: string) => env.API_KEYS.idFromName(name),
    get: (id: DurableObjectId) => {
      counter.objects++;
      return env.API_KEYS.get(id);
    },
  };
  return { counter, envPatch: { API_KEYS: namespace as unknown as Env["API_KEYS"] } };
}

const wrongKey = () =>
  `Bearer sk-wai-${crypto.getRandomValues(new Uint8Array(32)).reduce((s, b) => s + "ABCDEFGHabcdefgh0123456789_-xyzXY"[b % 32], "")}${"A".repeat(11)}`;

describe("/v1 bearer tokens per client address", () => {
  it("a burst of wrong and malformed tokens from one address gets 429 before any keys shard; another address is unaffected", async () => {
    const attacker = uniqueIpv4();
    const { counter, envPatch } = countingKeys();
    let first429 = -1;
    for (let i = 0; i < 500 && first429 < 0; i++) {
      const authorization = i % 2 ? wrongKey() : "Bearer not-a-key";
      const { response } = await v1("/models", undefined, { headers: { authorization, "cf-connecting-ip": attacker } }, envPatch);
      if (response.status === 429) first429 = i;
      else expect(response.status).toBe(401);
    }
    // wrangler.jsonc's IP_RATE_LIMITER: 300 a minute per address for this purpose.
    expect(first429).toBeGreaterThanOrEqual(300);

    const reached = counter.objects;
    for (let i = 0; i < 20; i++) {
      const { response, json } = await v1(
        "/models",
        undefined,
        { headers: { authorization: wrongKey(), "cf-connecting-ip": attacker } },
        envPatch,
      );
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("60");
      expect(json.error.code).toBe("rate_limit_exceeded");
    }
    expect(counter.objects).toBe(reached);

    // Someone at another address, with a real key, is served; so is a wrong token from there (401, not 429).
    const { key } = await personWithKey();
    const elsewhere = uniqueIpv4();
    expect((await v1("/models", key, { headers: { "cf-connecting-ip": elsewhere } }, envPatch)).response.status).toBe(200);
    expect(
      (await v1("/models", undefined, { headers: { authorization: wrongKey(), "cf-connecting-ip": elsewhere } })).response.status,
    ).toBe(401);
  });
});
