// Vitest 5's reporter calls Map.groupBy, which Node 20 lacks (it arrived in Node 21): without this,
// a failing test crashes the reporter instead of being printed. Imported by each vitest config, which
// runs in the reporter's process. Delete when the machines move to Node 22.
if (typeof (Map as { groupBy?: unknown }).groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const groups = new Map<K, V[]>();
      let index = 0;
      for (const item of items) {
        const k = key(item, index++);
        const group = groups.get(k);
        if (group) group.push(item);
        else groups.set(k, [item]);
      }
      return groups;
    },
  });
}
