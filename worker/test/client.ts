import { exports } from "cloudflare:workers";

/**
 * A test client that keeps its identity cookie like a browser does. Each new client is a new
 * anonymous user.
 */
export class TestClient {
  cookie: string | undefined;

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const response = await exports.default.fetch(new Request(`http://app.test${path}`, { ...init, headers }));
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    return response;
  }

  json(path: string, method: string, body: unknown): Promise<Response> {
    return this.fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  chat(body: Record<string, unknown>, init: RequestInit = {}): Promise<Response> {
    return this.fetch("/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...init });
  }
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
  return chunks.filter((c) => c.type === "text-delta").map((c) => c.delta).join("");
}

export function userMessage(text: string, id = crypto.randomUUID()) {
  return { id, role: "user", parts: [{ type: "text", text }] };
}

export function newConversationId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}
