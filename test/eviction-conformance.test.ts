// Guards every registered eviction policy against the rules the cache promises whatever the policy:
// capacity (entries and bytes) never exceeded, a get hits exactly when the entry was stored and not
// since evicted, expired or deleted, counters that match what actually left, identical TTL semantics,
// and determinism (the same operations give the same evictions).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rng } from "../sim/core/rng.ts";
import type { CacheNode } from "../sim/model/eviction/policy.ts";
import { evictionPolicies, evictionPolicy } from "../sim/model/evictionPolicies.ts";
import type { LocalCache } from "../sim/model/localCache.ts";

type Op =
  | { kind: "set"; key: number; size: number }
  | { kind: "get"; key: number }
  | { kind: "delete"; key: number }
  | { kind: "wait"; us: number };

const KEYS = 40;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("set" as const),
      key: fc.nat(KEYS - 1),
      size: fc.integer({ min: 1, max: 30 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("get" as const), key: fc.nat(KEYS - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), key: fc.nat(KEYS - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), us: fc.constantFrom(10, 25, 50) }),
  },
);

interface Bounds {
  capacity: number;
  capacityBytes: number;
  ttlUs: number;
}

const boundsArb: fc.Arbitrary<Bounds> = fc.oneof(
  fc.record({
    capacity: fc.integer({ min: 20, max: 40 }),
    capacityBytes: fc.constant(0),
    ttlUs: fc.constantFrom(0, 50, 200),
  }),
  fc.record({
    capacity: fc.constant(0),
    capacityBytes: fc.integer({ min: 200, max: 500 }),
    ttlUs: fc.constantFrom(0, 50, 200),
  }),
  fc.record({
    capacity: fc.integer({ min: 8, max: 30 }),
    capacityBytes: fc.integer({ min: 200, max: 500 }),
    ttlUs: fc.constantFrom(0, 100),
  }),
);

/** A deterministic stream for policies that draw random numbers. */
function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return {
    next: () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    },
  };
}

/** Next access (op index of the next get or set of the same key) for every op: the Belady oracle. */
function nextAccesses(ops: Op[]): number[] {
  const next = new Array<number>(ops.length).fill(Number.POSITIVE_INFINITY);
  const seen = new Map<number, number>();
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i] as Op;
    if (op.kind === "set" || op.kind === "get") {
      next[i] = seen.get(op.key) ?? Number.POSITIVE_INFINITY;
      seen.set(op.key, i);
    }
  }
  return next;
}

/**
 * Options for a policy whose defaults refuse the small caches these tests build (8 to 50 entries):
 * libCacheSim's W-TinyLFU has a 1 % window, empty below 100 entries.
 */
const SMALL_CACHE_OPTIONS: Record<string, Record<string, unknown>> = {
  "wtinylfu-libcachesim": { windowSize: 0.1 },
};

const VARIANTS: Array<{ name: string; options: Record<string, unknown> }> = [
  ...evictionPolicies.names().map((name) => ({ name, options: SMALL_CACHE_OPTIONS[name] ?? {} })),
  { name: "clock", options: { counterBits: 2 } },
  { name: "slru", options: { segments: 2 } },
  { name: "s3fifo", options: { smallRatio: 0.25, moveToMainThreshold: 1 } },
  { name: "wtinylfu", options: { jitter: true, percentMain: 0.8 } },
  { name: "twoq", options: { inRatio: 0.5, outRatio: 2 } },
  { name: "qdlp", options: { smallRatio: 0.3, moveToMainThreshold: 2, counterBits: 1 } },
  { name: "lirs", options: { hirRatio: 0.2 } },
];

/** Runs the ops, checking every rule after each one; returns the evicted keys in order. */
function runChecked(variant: (typeof VARIANTS)[number], bounds: Bounds, ops: Op[]): string[] {
  const next = nextAccesses(ops);
  let at = 0;
  const cache = evictionPolicy(
    variant.name,
    variant.options,
  )({
    ...bounds,
    rng: seededRng(7),
    oracle: { nextAccess: () => next[at] as number },
  });
  const evicted: string[] = [];
  const evictedHere: string[] = [];
  const hostEvict = cache.evict.bind(cache);
  cache.evict = (node: CacheNode) => {
    expect(cache.has(node.key)).toBe(true);
    evictedHere.push(node.key);
    hostEvict(node);
  };
  // What the test knows independently: each key's value, size and expiry when it was last stored.
  const model = new Map<string, { value: string; size: number; expiresAtUs: number }>();
  let nowUs = 0;
  for (at = 0; at < ops.length; at++) {
    const op = ops[at] as Op;
    if (op.kind === "wait") {
      nowUs += op.us;
      continue;
    }
    const key = `k${op.key}`;
    const before = new Set(cache.keys());
    const counters = snapshot(cache);
    evictedHere.length = 0;
    let gone: string | null = null;
    if (op.kind === "set") {
      const value = `v${at}`;
      const stored = cache.set(key, value, at, nowUs, op.size);
      expect(stored).toBe(cache.has(key));
      if (stored)
        model.set(key, {
          value,
          size: op.size,
          expiresAtUs: bounds.ttlUs > 0 ? nowUs + bounds.ttlUs : Infinity,
        });
      else if (!evictedHere.includes(key) && before.has(key)) gone = key; // left to change size, then refused
    } else if (op.kind === "get") {
      const entry = cache.get(key, nowUs);
      const known = model.get(key);
      if (!before.has(key)) expect(entry).toBeUndefined();
      else if (known !== undefined && nowUs >= known.expiresAtUs) {
        expect(entry).toBeUndefined();
        expect(cache.expirations - counters.expirations).toBe(1);
        gone = key;
      } else {
        expect(entry?.value).toBe(known?.value);
        expect(cache.hits - counters.hits).toBe(1);
        expect(cache.hitBytes - counters.hitBytes).toBe(known?.size);
      }
    } else {
      expect(cache.delete(key)).toBe(before.has(key));
      if (before.has(key)) gone = key;
    }
    // Whatever left the cache was evicted (and counted), expired, deleted or refused: nothing else.
    const after = new Set(cache.keys());
    const left = [...before].filter((k) => !after.has(k) && k !== gone).sort();
    const evictedFromBefore = evictedHere.filter((k) => before.has(k) || k !== key);
    expect(left).toEqual([...new Set(evictedFromBefore.filter((k) => before.has(k)))].sort());
    expect(cache.evictions - counters.evictions).toBe(evictedHere.length);
    expect(cache.size).toBe(after.size);
    if (bounds.capacity > 0) expect(cache.size).toBeLessThanOrEqual(bounds.capacity);
    if (bounds.capacityBytes > 0) expect(cache.usedBytes).toBeLessThanOrEqual(bounds.capacityBytes);
    evicted.push(...evictedHere);
  }
  cache.clear();
  expect(cache.size).toBe(0);
  return evicted;
}

function snapshot(cache: LocalCache) {
  return {
    evictions: cache.evictions,
    expirations: cache.expirations,
    hits: cache.hits,
    hitBytes: cache.hitBytes,
  };
}

describe.each(VARIANTS)("eviction policy $name $options", (variant) => {
  it("keeps every rule of the cache under random operations", () => {
    fc.assert(
      fc.property(boundsArb, fc.array(opArb, { maxLength: 250 }), (bounds, ops) => {
        runChecked(variant, bounds, ops);
      }),
      { numRuns: 60 },
    );
  });

  it("evicts the same entries, in the same order, for the same operations", () => {
    fc.assert(
      fc.property(boundsArb, fc.array(opArb, { maxLength: 250 }), (bounds, ops) => {
        expect(runChecked(variant, bounds, ops)).toEqual(runChecked(variant, bounds, ops));
      }),
      { numRuns: 15 },
    );
  });

  it("fills a cache to its capacity before it evicts anything", () => {
    const cache = evictionPolicy(
      variant.name,
      variant.options,
    )({
      capacity: 50,
      ttlUs: 0,
      rng: seededRng(1),
      oracle: { nextAccess: () => Number.POSITIVE_INFINITY },
    });
    for (let i = 0; i < 40; i++) cache.set(`k${i}`, "v", 1, 0);
    expect(cache.evictions).toBe(0);
    for (let i = 0; i < 40; i++) expect(cache.get(`k${i}`, 0)?.value).toBe("v");
  });
});
