import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Structured logs: one JSON line per event. Callers pass codes and sizes, never prompt text or
 * secrets; the request id ties a line to the response's `x-request-id`. The id lives in async
 * context because one isolate serves many requests at once.
 */
const context = new AsyncLocalStorage<string | undefined>();

export function withRequestId<T>(id: string | undefined, fn: () => T): T {
  return context.run(id, fn);
}

export function log(event: string, fields: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ event, requestId: context.getStore(), ...fields }));
}

/** The request id of the request being handled, to hand on to the Durable Object that does the work. */
export function currentRequestId(): string | undefined {
  return context.getStore();
}
