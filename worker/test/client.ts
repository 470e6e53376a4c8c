import { exports } from "cloudflare:workers";

/**
 * A test client that keeps its cookies like a browser does. Each new client is a new person at their
 * own client address (CF-Connecting-IP, a random private IPv4 unless given), so the per-address count
 * of new identities sees separate people, as it would in production.
 */
export class TestClient {
  readonly jar = new Map<string, string>();

  constructor(
    readonly address: string | null = randomAddress(),
    readonly origin = "http://app.test",
    /** Calls this handler (e.g. the app with a different env) instead of the deployed Worker. */
    private readonly handler: ((request: Request) => Promise<Response>) | null = null,
  ) {}

  /** The Cookie header this client sends; assigning it replaces every cookie (to forge one, say). */
  get cookie(): string | undefined {
    return this.jar.size ? [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ") : undefined;
  }
  set cookie(header: string | undefined) {
    this.jar.clear();
    for (const pair of header?.split(/;\s*/) ?? []) {
      const eq = pair.indexOf("=");
      if (eq > 0) this.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  /** The user id in this client's session cookie (v1.<kind>.<userId>.<expires>.<mac>). */
  get userId(): string | undefined {
    const value = this.jar.get("__Host-session") ?? this.jar.get("session");
    return value?.split(".")[2];
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie && !headers.has("cookie")) headers.set("cookie", this.cookie);
    if (this.address && !headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", this.address);
    const request = new Request(`${this.origin}${path}`, { ...init, headers });
    const response = await (this.handler ? this.handler(request) : exports.default.fetch(request));
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a));
      if (expired || !value) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  json(path: string, method: string, body: unknown): Promise<Response> {
    return this.fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  chat(body: Record<string, unknown>, init: RequestInit = {}): Promise<Response> {
    return this.fetch("/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...init,
    });
  }

  /** Becomes a guest now (as the first write would), so later requests can come from any address. */
  async startGuest(): Promise<void> {
    const response = await this.json("/api/session/guest", "POST", {});
    if (response.status !== 200) throw new Error(`no guest: ${response.status} ${await response.text()}`);
  }
}

/** A random address in 10.0.0.0/8: distinct per client, never a real one. */
export function randomAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

/** Reads a UI message stream response into its JSON chunks. */
export async function readUiStream(response: Response): Promise<Record<string, any>[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)));
}

/** The answer's metadata as the stream left it: the Durable Object sends how it ended last. */
export function finalMetadata(chunks: Record<string, any>[]): Record<string, any> | undefined {
  return chunks.filter((c) => c.messageMetadata).at(-1)?.messageMetadata;
}

/** Reads a UI message stream until its text includes `text`; returns the reader to go on with. */
export async function readUntil(response: Response, text: string) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = "";
  while (!received.includes(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`The stream ended before "${text}": ${received}`);
    received += decoder.decode(value, { stream: true });
  }
  return { reader, received };
}

export function textOf(chunks: Record<string, any>[]): string {
  return chunks
    .filter((c) => c.type === "text-delta")
    .map((c) => c.delta)
    .join("");
}

export function userMessage(text: string, id = crypto.randomUUID()) {
  return { id, role: "user", parts: [{ type: "text", text }] };
}

export function newConversationId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/**
 * The Worker as deployed with some vars changed (GUESTS=off, SIGNUP=invite, Access…): the same app
 * and the same Durable Objects and R2, only the env it reads differs. Pass it to a TestClient.
 */
export function appWith(overrides: Record<string, string>): (request: Request) => Promise<Response> {
  return async (request) => {
    const { default: app } = await import("../index");
    const { createExecutionContext, waitOnExecutionContext } = await import("cloudflare:test");
    const { env } = await import("cloudflare:workers");
    const ctx = createExecutionContext();
    const response = await app.fetch(request, { ...env, ...overrides } as Env, ctx);
    // Not awaited: a streamed answer is saved once the stream is read, which the caller does later.
    void waitOnExecutionContext(ctx);
    return response;
  };
}
