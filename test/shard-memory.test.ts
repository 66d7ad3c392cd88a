// Guards the global-cache shard's maxmemory model: never over maxmemory, a refused write changes
// nothing, each policy's choice of victims (Redis's sampled LRU/LFU/TTL and random), and determinism
// from the seeded stream.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rng } from "../sim/core/rng.ts";
import { maxmemoryPolicies, shardMemoryFor } from "../sim/model/eviction/maxmemoryPolicies.ts";
import type { ShardMemory } from "../sim/model/eviction/shardMemory.ts";

function seeded(seed: number): Rng {
  let state = seed >>> 0;
  return {
    next: () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    },
  };
}

const MAXMEMORY_POLICIES = maxmemoryPolicies.names();
type MaxmemoryPolicy = string;

/** A shard under the named policy; `samples` is given to the policies that take it. */
function shard(policy: MaxmemoryPolicy, maxmemoryBytes: number, samples = 5, maxEntries = 0): ShardMemory {
  const takesSamples =
    "samples" in (maxmemoryPolicies.get(policy).options as unknown as { shape: object }).shape;
  return shardMemoryFor(policy, takesSamples ? { samples } : {}, {
    maxmemoryBytes,
    maxEntries,
    rng: seeded(1),
  });
}

describe("ShardMemory", () => {
  it("noeviction refuses a write that does not fit, and changes nothing", () => {
    const m = shard("noeviction", 100);
    expect(m.admit("a", 60, 0)).toEqual([]);
    expect(m.admit("b", 50, 1)).toBe("refused");
    expect(m.refusals).toBe(1);
    expect(m.usedBytes).toBe(60);
    expect(m.has("b")).toBe(false);
    expect(m.admit("a", 90, 2)).toEqual([]); // a replacement only needs its own growth to fit
    expect(m.usedBytes).toBe(90);
  });

  it("refuses an entry larger than maxmemory under every policy", () => {
    for (const policy of MAXMEMORY_POLICIES) expect(shard(policy, 10).admit("big", 11, 0)).toBe("refused");
  });

  it("allkeys-lru evicts the longest idle key when the sample sees every key", () => {
    const m = shard("allkeys-lru", 40, 64);
    for (const [i, k] of ["a", "b", "c", "d"].entries()) m.admit(k, 10, i);
    m.touch("a", 10);
    expect(m.admit("e", 10, 11)).toEqual(["b"]);
    expect(m.admit("f", 20, 12)).toEqual(["c", "d"]);
    expect(m.evictions).toBe(3);
    expect(m.evictedBytes).toBe(30);
  });

  it("allkeys-lfu keeps the key read often", () => {
    const m = shard("allkeys-lfu", 30, 64);
    m.admit("hot", 10, 0);
    m.admit("x", 10, 0);
    m.admit("y", 10, 0);
    for (let t = 1; t < 200; t++) m.touch("hot", t);
    const victims = m.admit("z", 10, 300);
    expect(victims).toHaveLength(1);
    expect(victims).not.toContain("hot");
  });

  it("volatile-ttl evicts the nearest expiry, never a key without TTL, and refuses when none has one", () => {
    const m = shard("volatile-ttl", 30, 64);
    m.admit("forever", 10, 0);
    m.admit("soon", 10, 0, 1_000);
    m.admit("later", 10, 0, 9_000);
    expect(m.admit("new", 10, 1)).toEqual(["soon"]);
    expect(m.admit("new2", 10, 2)).toEqual(["later"]);
    const noTtl = shard("volatile-ttl", 20);
    noTtl.admit("a", 10, 0);
    noTtl.admit("b", 10, 0);
    expect(noTtl.admit("c", 10, 0)).toBe("refused");
  });

  it("bounds by entries, alone or beside bytes", () => {
    const byEntries = shard("allkeys-lru", 0, 64, 2);
    byEntries.admit("a", 1000, 0);
    byEntries.admit("b", 1000, 1);
    expect(byEntries.admit("c", 1000, 2)).toEqual(["a"]);
    expect(byEntries.admit("c", 5000, 3)).toEqual([]); // a replacement takes no new entry
    const both = shard("allkeys-lru", 100, 64, 3);
    for (const [i, k] of ["a", "b", "c"].entries()) both.admit(k, 10, i);
    expect(both.admit("d", 10, 3)).toEqual(["a"]); // 40 bytes fit, a fourth entry does not
    expect(both.admit("e", 90, 4)).toEqual(["b", "c"]); // 20 bytes had to go
    expect(() => shard("noeviction", 0)).toThrow(
      "a bounded shard needs a bound in bytes, in entries, or both",
    );
  });

  it("undo puts back what a turned-down conditional write replaced, unless the key changed since", () => {
    const m = shard("allkeys-lru", 100, 64);
    m.admit("a", 30, 0);
    const before = m.before("a");
    m.admit("a", 50, 1);
    m.undo(before);
    expect(m.usedBytes).toBe(30);
    const absent = m.before("b");
    m.admit("b", 20, 2);
    m.undo(absent);
    expect(m.has("b")).toBe(false);
    const stale = m.before("a");
    m.admit("a", 40, 3);
    m.admit("a", 45, 4); // a later write: the undo no longer applies
    m.undo(stale);
    expect(m.usedBytes).toBe(45);
    m.clear();
    expect([m.size, m.usedBytes]).toEqual([0, 0]);
  });

  it("remove frees the key's bytes without counting an eviction", () => {
    const m = shard("allkeys-random", 30);
    m.admit("a", 10, 0);
    expect(m.remove("a")).toBe(true);
    expect(m.remove("a")).toBe(false);
    expect(m.usedBytes).toBe(0);
    expect(m.evictions).toBe(0);
  });

  it("never holds more than maxmemory, accounts exactly, and repeats itself for the same seed", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("set" as const),
        key: fc.nat(30),
        bytes: fc.integer({ min: 0, max: 60 }),
        ttl: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("touch" as const), key: fc.nat(30) }),
      fc.record({ kind: fc.constant("remove" as const), key: fc.nat(30) }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...MAXMEMORY_POLICIES),
        fc.integer({ min: 60, max: 300 }),
        fc.array(op, { maxLength: 200 }),
        (policy, max, ops) => {
          const runOnce = () => {
            const m = shard(policy, max);
            const sizes = new Map<string, number>();
            const log: string[] = [];
            ops.forEach((o, t) => {
              const key = `k${o.key}`;
              if (o.kind === "set") {
                const result = m.admit(
                  key,
                  o.bytes,
                  t * 1000,
                  o.ttl ? t * 1000 + 5000 : Number.POSITIVE_INFINITY,
                );
                log.push(JSON.stringify(result));
                if (result !== "refused") {
                  for (const v of result) {
                    expect(sizes.has(v)).toBe(true);
                    expect(v).not.toBe(key);
                    sizes.delete(v);
                  }
                  sizes.set(key, o.bytes);
                }
              } else if (o.kind === "touch") m.touch(key, t * 1000);
              else {
                expect(m.remove(key)).toBe(sizes.has(key));
                sizes.delete(key);
              }
              expect(m.usedBytes).toBe([...sizes.values()].reduce((a, b) => a + b, 0));
              expect(m.usedBytes).toBeLessThanOrEqual(max);
              expect(m.size).toBe(sizes.size);
            });
            return log;
          };
          expect(runOnce()).toEqual(runOnce());
        },
      ),
      { numRuns: 80 },
    );
  });
});
