import { readFileSync, writeFileSync } from "node:fs";

/**
 * BENCH-ONLY (bench/relay-profile.ts): an entry module in front of the built Worker that only keeps a
 * reference to the isolate's `SqlStorage` prototype in `globalThis.__benchSqlPrototype`, taken from the
 * first Durable Object constructed. workerd has no `SqlStorage` global, so the inspector cannot reach
 * `exec` otherwise; with it, the bench wraps `exec` from the inspector for its counting pass only, and
 * the profile before that runs the app's own code (the subclasses add nothing per request). Every
 * Durable Object class of the build is subclassed; the rest of the module is re-exported as it is.
 * Written beside the build's `index.js`; returns its path (`startBuiltWorker`'s `entry`).
 */
export function writeSqlPrototypeEntry(dir: string): string {
  const config = JSON.parse(readFileSync(`${dir}/wrangler.json`, "utf8")) as { durable_objects: { bindings: { class_name: string }[] } };
  const classes = [...new Set(config.durable_objects.bindings.map((binding) => binding.class_name))];
  const path = `${dir}/bench-sql-prototype-entry.js`;
  writeFileSync(
    path,
    [
      `import * as app from "./index.js";`,
      `export * from "./index.js";`,
      "export default app.default;",
      "const keep = (Base) => class extends Base {",
      "  constructor(ctx, env) {",
      "    try { globalThis.__benchSqlPrototype ??= Object.getPrototypeOf(ctx.storage.sql); } catch {}",
      "    super(ctx, env);",
      "  }",
      "};",
      ...classes.map((name) => `export const ${name} = keep(app.${name});`),
    ].join("\n"),
  );
  return path;
}
