/**
 * Property-based fuzzing of every API route, inside workerd with the real Durable Objects, R2 and
 * rate limiters. Only Workers AI is replaced, by a spy (a TEST DOUBLE that answers a short stream)
 * so every call can be counted.
 *
 * Properties, for every request:
 *   - never a 5xx;
 *   - every 4xx is JSON `{ error: { code, message } }` with a known code and a non-empty message;
 *   - a 4xx never called the model;
 *   - input that is invalid by construction is a 4xx and never calls the model.
 */
import { exports, env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ERRORS } from "../../../contract/errors";
import { randomAddress } from "../client";
import { legacyChunks, sseStream } from "../recorded-ai";
import { TINY_PNG, pngHeader } from "../vision-images";

// ---------------------------------------------------------------------------------------------
// The request runner: a pool of identities, each replaced after a few requests so the real per-user
// rate limit (30 generating requests a minute) is not what answers most cases.

interface Case {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Invalid by construction: must be a 4xx and must not call the model. */
  invalid: boolean;
  /** Use this raw Cookie header instead of the identity's own. */
  cookie?: string;
  /** A /v1 route: errors are OpenAI's `{ error: { message, type, code, param } }`. */
  openai?: boolean;
}

let aiCalls = 0;
let casesRun = 0;
const perRoute = new Map<string, number>();
const statuses = new Map<number, number>();

let cookie: string | undefined;
let uses = 0;
// Each identity comes from its own client address: new identities are limited per address.
let address = randomAddress();

async function send(c: Case): Promise<Response> {
  if (c.openai) return sendV1(c);
  if (++uses > 20) {
    cookie = undefined;
    address = randomAddress();
    uses = 0;
  }
  const headers = new Headers(c.headers);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", address);
  const jar = c.cookie ?? cookie;
  if (jar) headers.set("cookie", jar);
  const response = await exports.default.fetch(new Request(`http://app.test${c.path}`, { method: c.method, headers, body: c.body }));
  const set = response.headers.get("set-cookie");
  if (set && c.cookie === undefined) cookie = set.split(";")[0];
  return response;
}

function describeBody(body: BodyInit | undefined): string {
  if (typeof body === "string")
    return body.length > 300 ? `${JSON.stringify(body.slice(0, 300))}… (${body.length} chars)` : JSON.stringify(body);
  if (body instanceof Uint8Array)
    return `${body.byteLength} bytes [${[...body.slice(0, 40)].join(",")}${body.byteLength > 40 ? ",…" : ""}]`;
  return body === undefined ? "none" : Object.prototype.toString.call(body);
}

const KNOWN_CODES = new Set(Object.keys(ERRORS));
/** The codes /v1 answers with: OpenAI's where it has one, the app's own otherwise (worker/openai/errors.ts). */
const OPENAI_CODES = new Set([
  ...KNOWN_CODES,
  "invalid_api_key",
  "model_not_found",
  "invalid_request_error",
  "request_too_large",
  "context_length_exceeded",
  "content_policy_violation",
  "rate_limit_exceeded",
  "insufficient_quota",
]);

async function run(c: Case): Promise<void> {
  // Counterexamples are printed short: some bodies are megabytes.
  Object.defineProperty(c, fc.toStringMethod, {
    value: () => `${c.label}: ${c.method} ${c.path.slice(0, 200)} body ${describeBody(c.body)}`,
    enumerable: false,
  });
  const before = aiCalls;
  const response = await send(c);
  // Read the whole body: a streamed answer saves itself when it ends.
  const text = await response.text();
  const called = aiCalls - before;
  casesRun++;
  perRoute.set(c.label, (perRoute.get(c.label) ?? 0) + 1);
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);

  const where = `${c.label}: ${c.method} ${c.path.slice(0, 120)} -> ${response.status} ${text.slice(0, 200)}`;
  expect(response.status, where).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get("content-type") ?? "", where).toContain("application/json");
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; type?: unknown; param?: unknown } };
    if (c.openai) {
      expect(OPENAI_CODES.has(String(body.error?.code)), where).toBe(true);
      expect(typeof body.error?.type === "string" && body.error.param !== undefined, where).toBe(true);
    } else expect(KNOWN_CODES.has(String(body.error?.code)), where).toBe(true);
    expect(typeof body.error?.message === "string" && body.error.message.length > 0, where).toBe(true);
    expect(called, `${where}: a refused request called the model`).toBe(0);
  }
  if (c.invalid) {
    expect(response.status, `${where}: invalid input was accepted`).toBeGreaterThanOrEqual(400);
    expect(called, `${where}: invalid input called the model`).toBe(0);
  }
}

/**
 * /v1 requests carry a real API key unless the case sets its own Authorization header; like the
 * cookie identities, the key's owner is replaced every 20 requests so the per-user limit is not
 * what answers most cases.
 */
let v1Key: string | undefined;
let v1Uses = 0;
async function sendV1(c: Case): Promise<Response> {
  if (!v1Key || ++v1Uses > 20) {
    const made = await exports.default.fetch(
      new Request("http://app.test/api/keys", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "fuzz" }),
      }),
    );
    v1Key = ((await made.json()) as { key: string }).key;
    v1Uses = 0;
  }
  const headers = new Headers(c.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${v1Key}`);
  return exports.default.fetch(new Request(`http://app.test${c.path}`, { method: c.method, headers, body: c.body }));
}

// ---------------------------------------------------------------------------------------------
// Adversarial values.

const enc = new TextEncoder();
const CHAT_MODEL = "@cf/meta/llama-3.2-1b-instruct";
const okId = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
/** Strings that are not ids: wrong length, wrong alphabet, path tricks, control characters. */
const badId = fc
  .oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "",
      ".",
      "..",
      "%2e%2e",
      "..%2f..%2fetc",
      "a".repeat(15),
      "a".repeat(65),
      "a".repeat(5000),
      "null",
      "undefined",
      "__proto__",
      "constructor",
      "🙂".repeat(20),
      "x\u0000y".repeat(8),
      "%00",
      "%ff%fe",
      "%E0%A4%A",
      "%",
      "%zz",
      "aaaaaaaaaaaaaaaaaaaa%0a",
      "$(id)aaaaaaaaaaaaaaa",
      "'; DROP TABLE messages; --",
    ),
  )
  .filter((s) => !/^[A-Za-z0-9_-]{16,64}$/.test(s));
/** Mostly percent-encoded; sometimes raw, so invalid escapes like `%E0%A4%A` reach the router as is. */
const badIdSegment = fc
  .tuple(badId, fc.boolean())
  .map(([id, raw]) => (raw && /^[\x21-\x7e]*$/.test(id) && !/[/?#]/.test(id) ? id : encodeURIComponent(id)))
  // A dot segment (".", "..", "%2e%2e") is resolved by the URL parser before the Worker sees it:
  // "/api/conversations/../export" IS "/api/export", a valid route, not a bad id for this one (found
  // by seed 833886956). Paths with dot segments are fuzzed as paths of their own below.
  .filter((segment) => !/^(?:\.|%2e){1,2}$/i.test(segment));

const hugeString = fc.constantFrom(100_001, 300_000, 2_100_000).map((n) => "x".repeat(n));
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true }).map((v) => safeJson(v)),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

function safeJson(v: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(v) ?? "null");
  } catch {
    return null;
  }
}

function deep(levels: number, kind: "array" | "object"): string {
  return kind === "array" ? "[".repeat(levels) + "1" + "]".repeat(levels) : '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
}

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, encoded surrogates, 0xFF. */
const badUtf8 = fc
  .constantFrom([0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82])
  .map((b) => Uint8Array.from(b));

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === "string" ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

const wrongContentType = fc.constantFrom(
  undefined,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/jsonp",
  "",
  "image/png",
);

// ---------------------------------------------------------------------------------------------
// Bodies for the JSON routes.

function validChat(id: string) {
  return {
    id,
    messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] }],
    trigger: "submit-message",
    model: CHAT_MODEL,
  };
}

/** Chat bodies that break the contract somewhere, each on purpose. */
const invalidChat = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || !("messages" in v) || !("id" in v)),
  fc.tuple(okId, wrongType).map(([id, messages]) => ({ id, messages })),
  fc.tuple(badId, fc.constant(0)).map(([id]) => ({ ...validChat("x"), id })),
  fc.tuple(okId, wrongType).map(([id, v]) => ({ ...validChat(id), messages: [{ id: "m1", role: "user", parts: v }] })),
  fc
    .tuple(okId, fc.constantFrom("system", "tool", "", "USER", null, 1))
    .map(([id, role]) => ({ ...validChat(id), messages: [{ id: "m1", role, parts: [{ type: "text", text: "hi" }] }] })),
  fc.tuple(okId, fc.constantFrom("image", "file", "tool-call", "source-url", "data-x", "__proto__")).map(([id, type]) => ({
    ...validChat(id),
    messages: [{ id: "m1", role: "user", parts: [{ type, text: "x", url: "javascript:alert(1)", data: "x" }] }],
  })),
  fc
    .tuple(
      okId,
      fc.oneof(fc.double({ min: 2.0001, noNaN: true }), fc.double({ max: -0.0001, noNaN: true }), fc.constantFrom("0.5", null, true)),
    )
    .map(([id, temperature]) => ({ ...validChat(id), temperature })),
  fc
    .tuple(okId, fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1_000_000 }), fc.constantFrom(1.5, "100", Number.MAX_SAFE_INTEGER + 2)))
    .map(([id, maxTokens]) => ({ ...validChat(id), maxTokens })),
  fc
    .tuple(okId, fc.constantFrom("@cf/meta/nope", "@cf/evil/../../x", "gpt-4", "", "@cf/" + "a".repeat(200), "@hf/x/y"))
    .map(([id, model]) => ({ ...validChat(id), model })),
  fc
    .tuple(okId, hugeString)
    .map(([id, text]) => ({ ...validChat(id), messages: [{ id: "m1", role: "user", parts: [{ type: "text", text }] }] })),
  okId.map((id) => ({ ...validChat(id), messages: [] })),
  okId.map((id) => ({
    ...validChat(id),
    messages: [
      { id: "m1", role: "user", parts: [{ type: "text", text: "q" }] },
      { id: "m2", role: "assistant", parts: [{ type: "text", text: "a" }] },
    ],
  })),
  okId.map((id) => ({ ...validChat(id), messages: Array.from({ length: 1001 }, (_, i) => ({ id: `m${i}`, role: "user", parts: [] })) })),
  okId.map((id) => ({ ...validChat(id), system: "s".repeat(1_000_000) })),
  okId.map((id) => ({ ...validChat(id), trigger: "delete-everything" })),
);

/** Valid chat bodies with one field replaced by anything: may or may not be valid. */
const mutatedChat = fc
  .tuple(
    okId,
    fc.constantFrom(
      "id",
      "messages",
      "trigger",
      "model",
      "system",
      "temperature",
      "maxTokens",
      "messageId",
      "m.id",
      "m.role",
      "m.parts",
      "m.metadata",
      "p.type",
      "p.text",
      "p.state",
    ),
    fc.oneof(anyJson, wrongType),
  )
  .map(([id, field, value]) => {
    const body = validChat(id) as Record<string, any>;
    const message = body.messages[0];
    const part = message.parts[0];
    if (field.startsWith("m.")) message[field.slice(2)] = value;
    else if (field.startsWith("p.")) part[field.slice(2)] = value;
    else body[field] = value;
    return body;
  });

const invalidPatch = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || (!("title" in v) && !("settings" in v))),
  fc.constantFrom(
    { title: "" },
    { title: "   " },
    { title: "t".repeat(201) },
    { settings: { model: "@cf/nope/nope" } },
    { settings: { temperature: 9 } },
    { settings: "x" },
    { title: 5 },
    {},
  ),
);

const IMAGE_MODEL = "@cf/black-forest-labs/flux-1-schnell";
const invalidImage = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || typeof (v as { prompt?: unknown }).prompt !== "string"),
  fc.constantFrom(
    { prompt: "" },
    { prompt: "   " },
    { prompt: "p", count: 0 },
    { prompt: "p", count: 99 },
    { prompt: "p", count: 1.5 },
    { prompt: "p", count: "2" },
    { prompt: "p", model: "@cf/nope/nope" },
    { prompt: "p", model: 7 },
    { prompt: "p", model: IMAGE_MODEL, unknownSetting: 1 },
    { prompt: "p", model: IMAGE_MODEL, seed: -1 },
    { prompt: "p", model: IMAGE_MODEL, steps: 10_000 },
    { prompt: "p", model: IMAGE_MODEL, width: "wide" },
    { prompt: "p".repeat(3_000_000) },
    { prompt: ["p"] },
  ),
  hugeString.map((prompt) => ({ prompt })),
);

function validVision(id: string, imageId: string) {
  return { id, imageId, messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "what is this?" }] }] };
}
/** Vision questions: broken bodies, or well-formed ones about an image nobody uploaded. */
const invalidVision = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || !("imageId" in v)),
  fc.tuple(okId, okId).map(([id, imageId]) => validVision(id, imageId)),
  fc.tuple(okId, badId).map(([id, imageId]) => validVision(id, imageId)),
  fc.tuple(okId, okId, wrongType).map(([id, imageId, messages]) => ({ ...validVision(id, imageId), messages })),
  fc
    .tuple(okId, okId, fc.constantFrom("@cf/meta/llama-3.2-1b-instruct", "@cf/nope/x", "nope"))
    .map(([id, imageId, model]) => ({ ...validVision(id, imageId), model })),
);

// ---------------------------------------------------------------------------------------------
// Requests.

/** parseable: well-formed JSON with the right type; certain: whatever the value was, it still is (bytes replaced inside a string may decode into a valid value). */
type Body = { body?: BodyInit; headers: Record<string, string>; parseable: boolean; certain: boolean };

/** A JSON value sent as JSON, sometimes with a wrong content type or broken bytes. */
const jsonBody = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Body> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: value.map((v) => ({
        body: JSON.stringify(v),
        headers: { "content-type": "application/json" },
        parseable: true,
        certain: true,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(value, wrongContentType).map(([v, type]) => ({
        body: JSON.stringify(v),
        headers: (type === undefined ? {} : { "content-type": type }) as Record<string, string>,
        parseable: false,
        certain: true,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(value, badUtf8, fc.nat()).map(([v, bad, at]) => {
        const s = JSON.stringify(v) ?? "null";
        const i = at % (s.length + 1);
        return {
          body: concat(s.slice(0, i), bad, s.slice(i)),
          headers: { "content-type": "application/json" },
          parseable: false,
          certain: false,
        };
      }),
    },
  );

const garbageJson: fc.Arbitrary<Body> = fc
  .oneof(
    fc.string({ maxLength: 200 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc.constantFrom("", "{", "}", "[", "{'a':1}", "NaN", "undefined", '{"a":1,}', '{"__proto__":', "\u0000", "\ufeff{}", "1e99999"),
    fc.constantFrom(10_000, 100_000).chain((n) => fc.constantFrom(deep(n, "array"), deep(n, "object"))),
    badUtf8.map((b) => concat("{", b, "}")),
  )
  .chain((body) =>
    fc
      .constantFrom("application/json", "application/json; charset=utf-8", "application/json; charset=latin1")
      .map((type) => ({ body, headers: { "content-type": type }, parseable: false, certain: true })),
  );

const bodyFor = (valueArb: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: jsonBody(valueArb) }, { weight: 1, arbitrary: garbageJson });

const chatCase: fc.Arbitrary<Case> = fc.oneof(
  answerCase("/api/chat"),
  {
    weight: 3,
    arbitrary: bodyFor(invalidChat).map((b) => ({
      label: "POST /api/chat (invalid)",
      method: "POST",
      path: "/api/chat",
      ...b,
      invalid: b.certain,
    })),
  },
  {
    weight: 1,
    arbitrary: jsonBody(mutatedChat).map((b) => ({
      label: "POST /api/chat (mutated)",
      method: "POST",
      path: "/api/chat",
      ...b,
      invalid: !b.parseable && b.certain,
    })),
  },
  // Deeply nested values where the schema allows unknown content (metadata) or not (parts).
  {
    weight: 1,
    arbitrary: fc.tuple(okId, fc.constantFrom(20, 1_000, 10_000), fc.constantFrom("metadata", "parts", "text")).map(([id, n, where]) => {
      const nested = deep(n, "object");
      const part = where === "text" ? `{"type":"text","text":${nested}}` : `{"type":"text","text":"hi"}`;
      const message = `{"id":"m1","role":"user","parts":${where === "parts" ? nested : `[${part}]`}${where === "metadata" ? `,"metadata":{"x":${nested}}` : ""}}`;
      return {
        label: `POST /api/chat (nested ${where})`,
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: `{"id":"${id}","model":"${CHAT_MODEL}","messages":[${message}]}`,
        invalid: where !== "metadata" || n > 64,
      };
    }),
  },
);

const conversationsCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: "binary", maxLength: 50 }),
      fc.constantFrom("%", "%ff", "%25", "_", "\\", "'", '"', "*", "q".repeat(201)),
    )
    .chain((q) =>
      fc
        .constantFrom(
          `?q=${encodeURIComponent(q)}`,
          `?q=${encodeURIComponent(q)}&q=second`,
          `?q[]=${encodeURIComponent(q)}`,
          `?${encodeURIComponent(q)}`,
          q.includes("#") || q.includes("?") ? "" : `?q=${q}`,
        )
        .map((query) => ({ label: "GET /api/conversations", method: "GET", path: `/api/conversations${query}`, invalid: false })),
    ),
  badIdSegment.map((id) => ({ label: "GET /api/conversations/:id", method: "GET", path: `/api/conversations/${id}`, invalid: true })),
  okId.map((id) => ({ label: "GET /api/conversations/:id", method: "GET", path: `/api/conversations/${id}`, invalid: true })),
  fc.tuple(fc.oneof(badIdSegment, okId), bodyFor(fc.oneof(invalidPatch, anyJson))).map(([id, b]) => ({
    label: "PATCH /api/conversations/:id",
    method: "PATCH",
    path: `/api/conversations/${id}`,
    ...b,
    invalid: b.certain,
  })),
  fc
    .oneof(badIdSegment, okId)
    .map((id) => ({ label: "DELETE /api/conversations/:id", method: "DELETE", path: `/api/conversations/${id}`, invalid: true })),
);

const imagesCase: fc.Arbitrary<Case> = fc.oneof(
  bodyFor(invalidImage).map((b) => ({ label: "POST /api/images", method: "POST", path: "/api/images", ...b, invalid: b.certain })),
  fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom("1.x", "99999999999999999.aaaaaaaaaaaaaaaaaaaa", "0", "-1", "1e3", "NaN", "Infinity", "101"),
      ),
      fc.constantFrom("cursor", "limit"),
    )
    .map(([v, key]) => ({ label: "GET /api/images", method: "GET", path: `/api/images?${key}=${encodeURIComponent(v)}`, invalid: false })),
  fc
    .tuple(fc.constantFrom("GET", "DELETE"), fc.oneof(badIdSegment, okId), fc.constantFrom("", "?download=1", "?download=%ff"))
    .map(([method, id, q]) => ({ label: `${method} /api/images/:id`, method, path: `/api/images/${id}${q}`, invalid: true })),
);

/** Multipart bodies built by hand, most of them broken. */
const garbageMultipart: fc.Arbitrary<Body> = fc.oneof<fc.Arbitrary<Body>[]>(
  fc.tuple(fc.string({ maxLength: 30 }), fc.uint8Array({ maxLength: 512 })).map(([boundary, bytes]) => ({
    body: bytes,
    headers: { "content-type": `multipart/form-data; boundary=${boundary.replace(/[\r\n]/g, "")}` },
    parseable: false,
    certain: true,
  })),
  fc
    .tuple(fc.uint8Array({ maxLength: 256 }), fc.constantFrom("image", "file", "", "IMAGE", 'image"; filename="x.png'))
    .map(([bytes, field]) => ({
      body: concat(
        `--b\r\nContent-Disposition: form-data; name="${field}"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`,
        bytes,
        "\r\n--b--\r\n",
      ),
      headers: { "content-type": "multipart/form-data; boundary=b" },
      parseable: false,
      certain: true,
    })),
  fc
    .constantFrom(
      '--b\r\nContent-Disposition: form-data; name="image"\r\n\r\njust text\r\n--b--\r\n', // a text field, not a file
      '--b\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\n\r\n', // never closed
      "--b--\r\n",
      "no boundary at all",
      "--c\r\n\r\n--c--",
    )
    .map((body) => ({ body, headers: { "content-type": "multipart/form-data; boundary=b" }, parseable: false, certain: true })),
  fc
    .constantFrom(
      [0x89, 0x50, 0x4e, 0x47],
      [0xff, 0xd8, 0xff],
      [0x47, 0x49, 0x46, 0x38],
      [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
    )
    .map((magic) => ({ body: Uint8Array.from(magic), headers: { "content-type": "image/png" }, parseable: false, certain: true })),
  fc.tuple(fc.constantFrom([0, 0], [0, 1], [5000, 5000], [0xffffffff, 1], [4097, 10]), fc.boolean()).map(([[w, h], multipart]) => {
    const bytes = pngHeader(w, h);
    if (!multipart) return { body: bytes, headers: { "content-type": "image/png" }, parseable: false, certain: true };
    return {
      body: concat(
        `--b\r\nContent-Disposition: form-data; name="image"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`,
        bytes,
        "\r\n--b--\r\n",
      ),
      headers: { "content-type": "multipart/form-data; boundary=b" },
      parseable: false,
      certain: true,
    };
  }),
  fc.tuple(fc.uint8Array({ maxLength: 2048 }), wrongContentType).map(([bytes, type]) => ({
    body: bytes,
    headers: (type ? { "content-type": type } : {}) as Record<string, string>,
    parseable: false,
    certain: true,
  })),
);

const visionCase: fc.Arbitrary<Case> = fc.oneof(
  garbageMultipart.map((b) => ({ label: "POST /api/vision/images", method: "POST", path: "/api/vision/images", ...b, invalid: false })),
  bodyFor(invalidVision).map((b) => ({ label: "POST /api/vision", method: "POST", path: "/api/vision", ...b, invalid: b.certain })),
  fc
    .tuple(fc.constantFrom("GET", "DELETE"), fc.oneof(badIdSegment, okId))
    .map(([method, id]) => ({ label: `${method} /api/vision/threads/:id`, method, path: `/api/vision/threads/${id}`, invalid: true })),
  fc
    .oneof(badIdSegment, okId)
    .map((id) => ({ label: "GET /api/vision/images/:id", method: "GET", path: `/api/vision/images/${id}`, invalid: true })),
  fc
    .constantFrom("", "?x=1", "?limit=-1")
    .map((q) => ({ label: "GET /api/vision/threads", method: "GET", path: `/api/vision/threads${q}`, invalid: false })),
  answerCase("/api/vision/threads"),
);

/**
 * Rejoin, stop and continue on a thread: a bad id is not found; a well-formed one names a thread of
 * this fresh identity that has nothing running (204) and nothing to continue (4xx).
 */
function answerCase(base: string): fc.Arbitrary<Case> {
  return fc.oneof(
    fc.tuple(fc.constantFrom(["GET", "stream"], ["POST", "stop"], ["POST", "continue"]), badIdSegment).map(([[method, action], id]) => ({
      label: `${method} ${base}/:id/${action}`,
      method,
      path: `${base}/${id}/${action}`,
      invalid: true,
    })),
    fc.tuple(fc.constantFrom(["GET", "stream"], ["POST", "stop"], ["POST", "continue"]), okId).map(([[method, action], id]) => ({
      label: `${method} ${base}/:id/${action}`,
      method,
      path: `${base}/${id}/${action}`,
      invalid: action === "continue",
    })),
  );
}

const otherCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .oneof(fc.string({ maxLength: 100 }), fc.constantFrom("%ff", "a=%E0%A4%A", "x".repeat(10_000)))
    .map((q) => ({ label: "GET /api/status", method: "GET", path: `/api/status?${encodeURIComponent(q)}`, invalid: false })),
  // Unknown routes and methods, including ones that look like real routes.
  fc
    .tuple(
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
      fc.oneof(
        fc.webPath().map((p) => `/api${p}`),
        fc.constantFrom(
          "/api",
          "/api/",
          "/api/chat/x",
          "/api/chats",
          "/api/../api/status",
          "/api/%2e%2e/status",
          "/api/conversations/a/b",
          "/api/images/a/b/c",
          "/api/vision/threads/x/y",
          "/api/status/x",
          "/api//conversations",
          "/api/%ff",
          "/api/\u00e9",
        ),
      ),
    )
    .filter(([method, path]) => !isRealRoute(method, new URL(path, "http://app.test").pathname))
    .map(([method, path]) => ({ label: "unknown route", method, path, invalid: true })),
  // Wrong methods on real routes.
  fc
    .constantFrom(
      ["PUT", "/api/chat"],
      ["GET", "/api/chat"],
      ["DELETE", "/api/conversations"],
      ["POST", "/api/conversations/aaaaaaaaaaaaaaaaaaaaaa"],
      ["PUT", "/api/images"],
      ["POST", "/api/status"],
      ["PATCH", "/api/vision/threads"],
    )
    .map(([method, path]) => ({ label: "wrong method", method, path, invalid: true })),
  // Forged, huge or broken identity cookies: a new identity, never an error.
  fc
    .oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        "uid=",
        "uid=a.b",
        "uid=aaaaaaaaaaaaaaaaaaaaaa.AAAA",
        "uid=aaaaaaaaaaaaaaaaaaaaaa.%ff%ff",
        `uid=${"a".repeat(8000)}`,
        "uid=a.b.c",
        "uid=%",
        'uid="quoted"',
      ),
    )
    .map((cookie) => ({
      label: "odd cookie",
      method: "GET",
      path: "/api/conversations",
      cookie: cookie.replace(/[\r\n\0]/g, ""),
      invalid: false,
    })),
  // Cross-site writes.
  fc.constantFrom("/api/chat", "/api/images", "/api/vision", "/api/conversations/aaaaaaaaaaaaaaaaaaaaaa").map((path) => ({
    label: "cross-site write",
    method: "POST",
    path,
    headers: { origin: "https://evil.example", "content-type": "application/json" },
    body: JSON.stringify(validChat("aaaaaaaaaaaaaaaaaaaaaa")),
    invalid: true,
  })),
);

// Share links, export and import (worker/routes/share.ts, shared.ts, transfer.ts).
const shareToken = fc.oneof(badIdSegment, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/));
const hostileImport = fc.oneof(
  fc.record(
    {
      format: fc.constantFrom("workers-ai-chat/conversation", "workers-ai-chat/conversations", "other"),
      version: wrongType,
      conversation: anyJson,
      conversations: anyJson,
      messages: anyJson,
    },
    { requiredKeys: ["format"] },
  ),
  fc.array(
    fc.record(
      {
        title: wrongType,
        mapping: fc.oneof(
          anyJson,
          fc.dictionary(
            fc.string({ maxLength: 3 }),
            fc.record({
              parent: fc.oneof(fc.constant(null), fc.string({ maxLength: 3 })),
              children: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
              message: anyJson,
            }),
            { maxKeys: 8 },
          ),
        ),
        current_node: fc.oneof(wrongType, fc.string({ maxLength: 3 })),
      },
      { requiredKeys: ["mapping"] },
    ),
    { maxLength: 3 },
  ),
);
const transferCase: fc.Arbitrary<Case> = fc.oneof(
  // Random files are almost always refused, but a tiny ChatGPT-shaped one can be valid: not "certainly invalid".
  bodyFor(fc.oneof(anyJson, hostileImport)).map((b) => ({
    label: "POST /api/import",
    method: "POST",
    path: "/api/import",
    ...b,
    invalid: false,
  })),
  fc
    .oneof(badIdSegment, okId)
    .map((id) => ({ label: "POST /api/conversations/:id/share", method: "POST", path: `/api/conversations/${id}/share`, invalid: true })),
  fc
    .tuple(
      fc.oneof(badIdSegment, okId),
      fc.constantFrom("", "?format=json", "?format=markdown", "?format=pdf", "?format=%ff", "?format=json&format=x"),
    )
    .map(([id, q]) => ({
      label: "GET /api/conversations/:id/export",
      method: "GET",
      path: `/api/conversations/${id}/export${q}`,
      invalid: true,
    })),
  shareToken.map((token) => ({ label: "GET /api/shared/:token", method: "GET", path: `/api/shared/${token}`, invalid: true })),
  shareToken.map((token) => ({ label: "DELETE /api/shares/:token", method: "DELETE", path: `/api/shares/${token}`, invalid: true })),
  // A fresh object per case: run() labels each case it is given.
  fc.constant(null).map(() => ({ label: "GET /api/shares", method: "GET", path: "/api/shares", invalid: false })),
);

function isRealRoute(method: string, path: string): boolean {
  const p = path.split("?")[0];
  const id = "[^/]+";
  const routes: [string, RegExp][] = [
    ["POST", /^\/api\/chat\/?$/],
    ["GET", new RegExp(`^/api/chat/${id}/stream/?$`)],
    ["POST", new RegExp(`^/api/chat/${id}/(stop|continue)/?$`)],
    ["GET", new RegExp(`^/api/vision/threads/${id}/stream/?$`)],
    ["POST", new RegExp(`^/api/vision/threads/${id}/(stop|continue)/?$`)],
    ["GET", /^\/api\/conversations\/?$/],
    ["GET|PATCH|DELETE", new RegExp(`^/api/conversations/${id}/?$`)],
    ["POST|GET", /^\/api\/images\/?$/],
    ["GET|DELETE", new RegExp(`^/api/images/${id}/?$`)],
    ["GET", /^\/api\/status\/?$/],
    ["POST", /^\/api\/vision\/?$/],
    ["POST", /^\/api\/vision\/images\/?$/],
    ["GET", new RegExp(`^/api/vision/images/${id}/?$`)],
    ["GET", /^\/api\/vision\/threads\/?$/],
    ["GET|DELETE", new RegExp(`^/api/vision/threads/${id}/?$`)],
    ["POST", new RegExp(`^/api/conversations/${id}/share/?$`)],
    ["GET", new RegExp(`^/api/conversations/${id}/export/?$`)],
    ["GET", /^\/api\/shares\/?$/],
    ["DELETE", new RegExp(`^/api/shares/${id}/?$`)],
    ["GET", new RegExp(`^/api/shared/${id}/?$`)],
    ["GET", /^\/api\/export\/?$/],
    ["POST", /^\/api\/import\/?$/],
  ];
  return routes.some(([m, re]) => m.split("|").includes(method) && re.test(p));
}

// ---------------------------------------------------------------------------------------------
// /v1: OpenAI-shaped bodies, broken on purpose or mutated field by field.
const V1_CHAT_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
const validV1Chat = () => ({ model: V1_CHAT_MODEL, messages: [{ role: "user", content: "hi" }] });
const invalidV1Chat = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || !("messages" in v) || !("model" in v)),
  wrongType.map((messages) => ({ ...validV1Chat(), messages })),
  fc.constantFrom(
    { ...validV1Chat(), messages: [] },
    { ...validV1Chat(), model: "gpt-4o" },
    { ...validV1Chat(), model: "" },
    { ...validV1Chat(), temperature: 9 },
    { ...validV1Chat(), top_p: 0 },
    { ...validV1Chat(), max_tokens: 0 },
    { ...validV1Chat(), max_tokens: 10_000_000 },
    { ...validV1Chat(), n: 3 },
    { ...validV1Chat(), stop: ["a", "b", "c", "d", "e"] },
    { ...validV1Chat(), messages: [{ role: "wizard", content: "x" }] },
    { ...validV1Chat(), messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "http://169.254.169.254/" } }] }] },
    { ...validV1Chat(), model: "@cf/meta/llama-3.2-1b-instruct", tools: [{ type: "function", function: { name: "f" } }] },
    { ...validV1Chat(), tools: [{ type: "function", function: { name: "bad name!" } }] },
    { ...validV1Chat(), messages: [{ role: "user", content: "x".repeat(1_000_001) }] },
  ),
);
const mutatedV1Chat = fc
  .tuple(
    fc.constantFrom(
      "model",
      "messages",
      "temperature",
      "top_p",
      "max_tokens",
      "max_completion_tokens",
      "stop",
      "seed",
      "stream",
      "stream_options",
      "tools",
      "tool_choice",
      "n",
      "m.role",
      "m.content",
      "m.tool_calls",
    ),
    fc.oneof(anyJson, wrongType),
    fc.boolean(),
  )
  .map(([field, value, stream]) => {
    const body = { ...validV1Chat(), stream } as Record<string, any>;
    if (field.startsWith("m.")) body.messages[0][field.slice(2)] = value;
    else body[field] = value;
    return body;
  });
const invalidV1Embeddings = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || !("input" in v)),
  fc.constantFrom(
    { model: "@cf/baai/bge-small-en-v1.5", input: [] },
    { model: "@cf/baai/bge-small-en-v1.5", input: [1, 2] },
    { model: "@cf/baai/bge-small-en-v1.5", input: "" },
    { model: "nope", input: "x" },
    { model: "@cf/baai/bge-small-en-v1.5", input: Array.from({ length: 101 }, () => "x") },
    { model: "@cf/baai/bge-small-en-v1.5", input: "x", encoding_format: "hex" },
    { model: "@cf/baai/bge-small-en-v1.5", input: "x", dimensions: 3 },
  ),
);
const mutatedV1Embeddings = fc
  .tuple(fc.constantFrom("model", "input", "encoding_format", "dimensions"), fc.oneof(anyJson, wrongType))
  .map(([field, value]) => ({ model: "@cf/baai/bge-small-en-v1.5", input: ["a", "b"], [field]: value }));
const invalidV1Images = fc.oneof(
  anyJson.filter((v) => typeof v !== "object" || v === null || Array.isArray(v) || typeof (v as { prompt?: unknown }).prompt !== "string"),
  fc.constantFrom(
    { prompt: "" },
    { prompt: "p", n: 0 },
    { prompt: "p", n: 5 },
    { prompt: "p", size: "big" },
    { prompt: "p", size: "99999x1" },
    { prompt: "p", response_format: "url" },
    { prompt: "p", model: "@cf/baai/bge-m3" },
    { prompt: "p".repeat(5000) },
  ),
);
const mutatedV1Images = fc
  .tuple(fc.constantFrom("model", "prompt", "n", "size", "response_format"), fc.oneof(anyJson, wrongType))
  .map(([field, value]) => ({ prompt: "a cat", [field]: value }));

const V1_POSTS = ["/v1/chat/completions", "/v1/embeddings", "/v1/images/generations"] as const;
const v1Case: fc.Arbitrary<Case> = fc.oneof(
  bodyFor(invalidV1Chat).map((b) => ({
    label: "POST /v1/chat/completions (invalid)",
    method: "POST",
    path: "/v1/chat/completions",
    ...b,
    invalid: b.certain,
    openai: true,
  })),
  jsonBody(mutatedV1Chat).map((b) => ({
    label: "POST /v1/chat/completions (mutated)",
    method: "POST",
    path: "/v1/chat/completions",
    ...b,
    invalid: !b.parseable && b.certain,
    openai: true,
  })),
  bodyFor(invalidV1Embeddings).map((b) => ({
    label: "POST /v1/embeddings (invalid)",
    method: "POST",
    path: "/v1/embeddings",
    ...b,
    invalid: b.certain,
    openai: true,
  })),
  jsonBody(mutatedV1Embeddings).map((b) => ({
    label: "POST /v1/embeddings (mutated)",
    method: "POST",
    path: "/v1/embeddings",
    ...b,
    invalid: !b.parseable && b.certain,
    openai: true,
  })),
  bodyFor(invalidV1Images).map((b) => ({
    label: "POST /v1/images/generations (invalid)",
    method: "POST",
    path: "/v1/images/generations",
    ...b,
    invalid: b.certain,
    openai: true,
  })),
  jsonBody(mutatedV1Images).map((b) => ({
    label: "POST /v1/images/generations (mutated)",
    method: "POST",
    path: "/v1/images/generations",
    ...b,
    invalid: !b.parseable && b.certain,
    openai: true,
  })),
  fc
    .oneof(
      fc.constant(""),
      badIdSegment,
      fc.constantFrom("@cf/meta/llama-3.2-1b-instruct", "%40cf%2Fmeta%2Fllama-3.2-1b-instruct", "gpt-4o", "../models"),
    )
    .map((id) => ({
      label: "GET /v1/models[/:id]",
      method: "GET",
      path: id ? `/v1/models/${id}` : "/v1/models",
      invalid: false,
      openai: true,
    })),
  // Keys that are not keys: no header, other schemes, forged or revoked-looking keys, huge headers.
  fc
    .tuple(
      fc.constantFrom(...V1_POSTS, "/v1/models"),
      fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.constantFrom(
          "Bearer",
          "Bearer ",
          "Basic YTpi",
          `Bearer sk-wai-${"A".repeat(43)}`,
          `Bearer sk-wai-${"A".repeat(42)}`,
          `Bearer ${"x".repeat(8000)}`,
          "bearer  sk-wai-",
          "Bearer sk-wai-\u0000",
        ),
      ),
    )
    .map(([path, auth]) => ({
      label: "/v1 with a bad key",
      method: path === "/v1/models" ? "GET" : "POST",
      path,
      headers: { authorization: auth.replace(/[\r\n\0]/g, "") || "none", "content-type": "application/json" },
      body: path === "/v1/models" ? undefined : JSON.stringify(validV1Chat()),
      invalid: true,
      openai: true,
    })),
  // Unknown routes and wrong methods under /v1, and preflights with any headers.
  fc
    .tuple(
      fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
      fc.oneof(
        fc.webPath().map((p) => `/v1${p}`),
        fc.constantFrom("/v1", "/v1/", "/v1/completions", "/v1/chat", "/v1/audio/speech", "/v1/files", "/v1/%ff", "/v1/chat/completions/x"),
      ),
    )
    .filter(([method, path]) => !isRealV1Route(method, new URL(path, "http://app.test").pathname))
    .map(([method, path]) => ({ label: "/v1 unknown route", method, path, invalid: true, openai: true })),
  fc
    .tuple(
      fc.constantFrom(...V1_POSTS),
      fc.string({ maxLength: 200 }),
      fc.constantFrom("https://tool.example", "null", "http://localhost:3000"),
    )
    .map(([path, requested, origin]) => ({
      label: "OPTIONS /v1 preflight",
      method: "OPTIONS",
      path,
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": requested.replace(/[\r\n\0]/g, "") },
      invalid: false,
      openai: true,
    })),
);

function isRealV1Route(method: string, path: string): boolean {
  if (method === "GET" && /^\/v1\/models(\/.*)?$/.test(path)) return true;
  return method === "POST" && (V1_POSTS as readonly string[]).includes(path);
}

// ---------------------------------------------------------------------------------------------

beforeEach(() => {
  // TEST DOUBLE: answers any call with a short, well-formed stream and counts the call.
  vi.spyOn(env.AI, "run").mockImplementation((async (_model: string, inputs: Record<string, unknown>) => {
    aiCalls++;
    // Image models get an image, the rest a chat stream.
    if (typeof inputs?.prompt === "string" || "multipart" in (inputs ?? {})) return { image: btoa(String.fromCharCode(...TINY_PNG)) };
    if (Array.isArray(inputs?.text)) return { shape: [inputs.text.length, 2], data: inputs.text.map(() => [0.1, 0.2]) };
    return sseStream(legacyChunks(["fuzz ", "ok"]));
  }) as never);
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  const routes = [...perRoute.entries()]
    .sort()
    .map(([k, v]) => `  ${k}: ${v}`)
    .join("\n");
  const byStatus = [...statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => `${k}×${v}`)
    .join(" ");
  console.log(`fuzz cases run: ${casesRun} (model calls: ${aiCalls}; statuses: ${byStatus})\n${routes}`);
});

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);

describe("fuzzing every route", () => {
  const props: [string, fc.Arbitrary<Case>, number][] = [
    ["POST /api/chat", chatCase, 800],
    ["/api/conversations", conversationsCase, 800],
    ["/api/images", imagesCase, 600],
    ["/api/vision", visionCase, 700],
    ["share links, export and import", transferCase, 400],
    ["status, unknown routes, cookies, origins", otherCase, 600],
    ["/v1 (OpenAI-compatible, API keys)", v1Case, 800],
  ];
  for (const [name, arb, runs] of props) {
    // The timeout only catches a hang: on an idle machine a property takes ~10 s, at a load average of
    // 25 one took 190 s.
    it(`${name}: never a 5xx, always a JSON error, no model call for invalid input`, { timeout: 600_000 * RUNS }, async () => {
      console.log(`${name}: fast-check seed ${SEED}`);
      await fc.assert(fc.asyncProperty(arb, run), { numRuns: runs * RUNS, seed: SEED, endOnFailure: true });
    });
  }

  it("oversized uploads are refused early, with JSON errors and no model call", async () => {
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(TINY_PNG);
    const form = new FormData();
    form.append("image", new File([big], "big.png", { type: "image/png" }));
    await run({
      label: "POST /api/vision/images (oversized)",
      method: "POST",
      path: "/api/vision/images",
      body: big,
      headers: { "content-type": "image/png" },
      invalid: true,
    });
    await run({ label: "POST /api/vision/images (oversized)", method: "POST", path: "/api/vision/images", body: form, invalid: true });
    await run({
      label: "POST /api/chat (oversized)",
      method: "POST",
      path: "/api/chat",
      body: "[" + "1,".repeat(1_500_000) + "1]",
      headers: { "content-type": "application/json" },
      invalid: true,
    });
    await run({
      label: "POST /api/images (oversized)",
      method: "POST",
      path: "/api/images",
      body: JSON.stringify({ prompt: "p".repeat(2_500_000) }),
      headers: { "content-type": "application/json" },
      invalid: true,
    });
  });
});
