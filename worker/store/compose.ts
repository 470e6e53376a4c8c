import type { FeatureClass } from "./person";

/** A feature's RPC surface: the methods of its class (fields, even function-valued ones, are not served). */
type MethodsOf<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] };
type Each<C> = C extends FeatureClass<infer T> ? MethodsOf<T> : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The RPC surface of a store made of `Features`: every registered feature's methods, derived from their classes. */
export type SurfaceOf<Features extends readonly FeatureClass[]> = Intersect<Each<Features[number]>>;

/**
 * Serves each feature's methods from the Durable Object class: Workers RPC calls methods found on
 * the class's prototype, so each method becomes one there that calls the feature built for this
 * object. A feature's own helpers are `#private` (not on its prototype) or plain functions, so
 * what a feature class declares is exactly what it serves. Two features serving one name is a
 * mistake caught at load.
 */
export function serveFeatures(target: { prototype: object }, features: readonly FeatureClass[]): void {
  const owner = new Map<string, string>();
  features.forEach((feature, index) => {
    for (const name of Object.getOwnPropertyNames(feature.prototype)) {
      if (name === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(feature.prototype, name);
      if (typeof descriptor?.value !== "function") continue;
      const taken = owner.get(name) ?? (name in target.prototype ? "the Durable Object" : undefined);
      if (taken) throw new Error(`${feature.name} and ${taken} both serve "${name}".`);
      owner.set(name, feature.name);
      Object.defineProperty(target.prototype, name, {
        value: function (this: { features: object[] }, ...args: unknown[]) {
          const built = this.features[index] as Record<string, (...a: unknown[]) => unknown>;
          return built[name](...args);
        },
        writable: false,
        enumerable: false,
        configurable: false,
      });
    }
  });
}
