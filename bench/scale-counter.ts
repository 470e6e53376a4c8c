/**
 * BENCH-ONLY: runs inside workerd, in front of the built Worker (bench/scale-worker.ts bundles it with
 * esbuild into an entry module that imports the build's `index.js`). Nothing here ships.
 *
 * It counts every call made on a Durable Object stub, by (class, instance name):
 *   - every Durable Object namespace binding in `env` is wrapped, both in the env the Worker's
 *     handlers get and in the env each Durable Object class's constructor gets (the exported classes
 *     are subclassed), so calls one object makes to another count too;
 *   - `idFromName(name)` remembers id → name; `get(id)` / `getByName(name)` return the stub behind a
 *     Proxy that counts each method call (RPC or `fetch`) under the name.
 * Counts live in this module's memory: the Worker and its Durable Objects share one isolate in
 * workerd (one script), so one Map sees them all. `GET /api/__bench/do-calls` answers them as JSON and
 * `POST /api/__bench/do-calls` empties them; every other request goes to the app untouched. Objects
 * woken without a counted call are listed too (`uncounted`), so a call that bypassed the wrapper shows.
 * The Worker is written against plain `env.X.get(env.X.idFromName(name))`: nothing reaches a
 * namespace any other way (checked: no `cloudflare:workers` env import, no `ctx.exports`).
 */

type Fn = (...args: unknown[]) => unknown;
type Namespace = Record<string | symbol, unknown> & { idFromName: Fn; get: Fn };
type DurableObjectClass = new (ctx: unknown, env: Record<string, unknown>) => object;

// Under /api/: the only paths (with /v1/) that reach the Worker before the static assets.
export const COUNTS_PATH = "/api/__bench/do-calls";

/** `${class}\n${name}` → calls, and per method, for the hottest object's breakdown. */
const calls = new Map<string, { calls: number; methods: Map<string, number> }>();
const namesById = new Map<string, string>();
/**
 * Objects constructed, by the name the runtime gives the object itself (`ctx.id.name`): one woken
 * without any counted call was reached some other way (a global env import, `ctx.exports`, an alarm),
 * and the bench says so rather than report a share that misses calls.
 */
const woken = new Set<string>();

function count(className: string, name: string, method: string) {
  const key = `${className}\n${name}`;
  let entry = calls.get(key);
  if (!entry) calls.set(key, (entry = { calls: 0, methods: new Map() }));
  entry.calls++;
  entry.methods.set(method, (entry.methods.get(method) ?? 0) + 1);
}

function nameOf(id: unknown): string {
  const { name } = id as { name?: string };
  if (typeof name === "string") return name;
  const text = String(id);
  // An id not made from a name (newUniqueId, idFromString of an unseen id): counted under its hex.
  return namesById.get(text) ?? `id:${text.slice(0, 12)}`;
}

function countedStub(stub: object, className: string, name: string): object {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      // Symbols (dispose), `then` (the runtime asking whether a stub is a promise) and plain fields pass.
      if (typeof prop === "symbol" || prop === "then" || typeof value !== "function") return value;
      return new Proxy(value as Fn, {
        apply(fn, _this, args) {
          count(className, name, prop);
          return Reflect.apply(fn, target, args);
        },
      });
    },
  });
}

function countedNamespace(namespace: Namespace, className: string): Namespace {
  return new Proxy(namespace, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "idFromName")
        return (name: string) => {
          const id = (value as Fn).call(target, name);
          namesById.set(String(id), name);
          return id;
        };
      if (prop === "get")
        return (id: unknown, options?: unknown) => countedStub((value as Fn).call(target, id, options) as object, className, nameOf(id));
      if (prop === "getByName")
        return (name: string, options?: unknown) => countedStub((value as Fn).call(target, name, options) as object, className, name);
      return (value as Fn).bind(target);
    },
  });
}

/** Wraps an app module: its default handler and its Durable Object classes, `bindings` being binding → class name. */
export function instrument(app: Record<string, unknown>, bindings: Record<string, string>) {
  const wrapped = new WeakMap<object, Record<string, unknown>>();
  const wrapEnv = (env: Record<string, unknown>) => {
    let out = wrapped.get(env);
    if (!out) {
      out = { ...env };
      for (const [binding, className] of Object.entries(bindings))
        if (env[binding]) out[binding] = countedNamespace(env[binding] as Namespace, className);
      wrapped.set(env, out);
    }
    return out;
  };

  const worker = app.default as Record<string, Fn>;
  const handler: Record<string, Fn> = {};
  for (const kind of ["fetch", "scheduled", "queue", "tail", "email"])
    if (typeof worker[kind] === "function")
      handler[kind] = (event: unknown, env: unknown, ctx: unknown) => worker[kind](event, wrapEnv(env as Record<string, unknown>), ctx);
  const appFetch = handler.fetch;
  handler.fetch = (request: unknown, env: unknown, ctx: unknown) => {
    const url = new URL((request as Request).url);
    if (url.pathname !== COUNTS_PATH) return appFetch(request, env, ctx);
    if ((request as Request).method === "POST") calls.clear(), woken.clear();
    const split = (key: string) => {
      const [className, name] = key.split("\n");
      return { className, name };
    };
    return Response.json({
      objects: [...calls].map(([key, entry]) => ({ ...split(key), calls: entry.calls, methods: Object.fromEntries(entry.methods) })),
      uncounted: [...woken].filter((key) => !calls.has(key)).map(split),
    });
  };

  const classes: Record<string, DurableObjectClass> = {};
  for (const className of new Set(Object.values(bindings))) {
    const Base = app[className] as DurableObjectClass;
    classes[className] = class extends Base {
      constructor(ctx: unknown, env: Record<string, unknown>) {
        super(ctx, wrapEnv(env));
        woken.add(`${className}\n${nameOf((ctx as { id: unknown }).id)}`);
      }
    };
    // workerd finds Durable Object classes by export name; the class's own name only shows in traces.
    Object.defineProperty(classes[className], "name", { value: className });
  }
  return { handler, classes };
}
