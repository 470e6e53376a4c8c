/**
 * A Durable Object's RPC surface with plain types, derived from the methods it names: each returns
 * a promise of what the method returns. Not workers-types' `DurableObjectStub<T>`: its Rpc.Result
 * mapping recurses through the AI SDK's message generics until TypeScript gives up, and these
 * methods take and return plain data (and streams).
 */
export type PlainRpc<Methods> = {
  [K in keyof Methods]: Methods[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The Durable Object called `name` in `namespace`, typed as its plain RPC surface. */
export function namedStub<Rpc>(namespace: Pick<DurableObjectNamespace, "get" | "idFromName">, name: string): Rpc {
  return namespace.get(namespace.idFromName(name)) as unknown as Rpc;
}
