// Guards the local cache's index (sim/model/entryIndex.ts): after any sequence of adds and removes it
// finds exactly the entries a Map would hold, including when many names share a slot or a hash (the
// backward shift on removal must keep every later entry reachable), and it grows past any size.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EntryIndex, nameHash } from "../sim/model/entryIndex.ts";
import { CacheNode } from "../sim/model/eviction/policy.ts";

function node(name: string, hash = nameHash(name)): CacheNode {
  const n = new CacheNode(name, null, 0, 0, 0, 1);
  n.hash = hash;
  return n;
}

/** Runs the operations against the index and a Map, comparing every lookup; hashOf may force collisions. */
function check(ops: ReadonlyArray<{ add: boolean; name: string }>, hashOf: (name: string) => number): void {
  const index = new EntryIndex();
  const model = new Map<string, CacheNode>();
  for (const { add, name } of ops) {
    const held = model.get(name);
    if (add && held === undefined) {
      const n = node(name, hashOf(name));
      index.add(n);
      model.set(name, n);
    } else if (!add && held !== undefined) {
      index.remove(held);
      model.delete(name);
    }
    expect(index.size).toBe(model.size);
  }
  for (const name of new Set(ops.map((o) => o.name)))
    expect(index.get(name, hashOf(name))).toBe(model.get(name));
  expect(new Set(index.values())).toEqual(new Set(model.values()));
}

const opsOf = (names: fc.Arbitrary<string>) =>
  fc.array(fc.record({ add: fc.boolean(), name: names }), { maxLength: 400 });

describe("EntryIndex", () => {
  it("holds what a Map holds, with the real hash", () => {
    fc.assert(
      fc.property(opsOf(fc.string({ maxLength: 6 })), (ops) => check(ops, nameHash)),
      { numRuns: 300 },
    );
  });

  it("holds what a Map holds when names collide in one slot or share a hash", () => {
    const names = fc.integer({ min: 0, max: 60 }).map((i) => `k${i}`);
    // Few distinct hashes, all landing near each other: long runs that removal must shift.
    fc.assert(
      fc.property(opsOf(names), (ops) => check(ops, (name) => (nameHash(name) & 3) * 16)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(opsOf(names), (ops) => check(ops, () => 7)),
      { numRuns: 100 },
    );
  });

  it("grows and empties", () => {
    const index = new EntryIndex();
    const nodes = Array.from({ length: 10_000 }, (_, i) => node(`key:${i}`));
    for (const n of nodes) index.add(n);
    expect(index.size).toBe(10_000);
    for (const n of nodes) expect(index.get(n.key, n.hash)).toBe(n);
    for (const n of nodes.slice(0, 5_000)) index.remove(n);
    expect(index.get("key:1", nameHash("key:1"))).toBeUndefined();
    expect(index.get("key:9999", nameHash("key:9999"))).toBe(nodes[9999]);
    index.clear();
    expect(index.size).toBe(0);
    expect([...index.values()]).toEqual([]);
  });
});
