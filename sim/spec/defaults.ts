// The defaults of the scenario's frame (the fields sim/scenario/schema.ts declares). The loader fills
// every such field the file leaves out from here, so the runner never defaults anything itself. The rule
// for every other default: it lives with the schema that declares its field, so a section's defaults are
// in its file under sim/sections/ and a plugin's in its options schema. All durations are integer
// microseconds.

import type { LatencyModel, LocalCacheSpec } from "./types.ts";

export const DEFAULTS = deepFreeze({
  /** Any fixed value makes runs repeatable; 1 rather than 0 so a seed that was "forgotten" stands out. */
  seed: 1,

  /** Long enough for 30s local TTLs to expire and refill a few times, short enough to run in seconds. */
  durationUs: 60_000_000,

  /** Descriptions are optional prose; an empty one keeps reports free of "undefined". */
  description: "",

  /**
   * Each node's local (in-process) cache. 30s is typical of an in-memory cache that sits in front of a
   * shared one; LRU because it is what such caches almost always use. The capacity's default depends on
   * the strategy (`defaultNodeCacheCapacity` in sim/strategies/catalogue.ts): 1000 entries when the
   * node's cache is the only one, 0 (no near cache) over a global tier.
   */
  nodeCache: {
    capacityBytes: 0,
    ttlUs: 30_000_000,
    eviction: "lru",
    evictionOptions: {},
  } satisfies Omit<LocalCacheSpec, "capacity">,

  /**
   * One-way latency per link kind. 500us to a cache in the same data centre, 2ms to a database (a
   * round trip is then 1ms and 4ms, typical of Redis and an indexed SQL lookup). Constant by default so
   * simple scenarios are exactly predictable; give a distribution to add jitter.
   */
  network: {
    cache: { dist: "constant", valueUs: 500 } satisfies LatencyModel,
    database: { dist: "constant", valueUs: 2_000 } satisfies LatencyModel,
  },

  /**
   * The shared (global) cache. Two shards show sharding without crowding reports; 64 ring points per
   * shard keep the key split within a few percent of even; 60s outlives the local 30s TTL, which is the
   * usual layering (the nearer cache expires first).
   */
  globalCache: {
    ringPoints: 64,
    ttlUs: 60_000_000,
    shardNames: ["node_a", "node_b"],
    /** Unbounded, as a Redis without maxmemory; bounded, Redis's own default policy. */
    capacity: 0,
    capacityBytes: 0,
    eviction: "noeviction",
  },

  /**
   * `data.fill`: "key:" matches the generator's default key prefix, so `fill: { count: N }` preloads
   * exactly the keys a generator with `keys: { count: N }` asks for.
   */
  dataFill: { prefix: "key:", value: "init" },

  generator: {
    /** 0 = no request limit: the run's duration is what stops the generator. */
    requests: 0,
    /** Uniform is the neutral choice; skew (zipf) is something a scenario should say it wants. */
    keyDist: "uniform",
    /** Zipf exponent near 1 is the classic web-cache popularity fit (Breslau et al.). */
    zipfS: 0.99,
    /** Same as dataFill.prefix, for the reason given there. */
    keyPrefix: "key:",
    /** Read-heavy, as the workloads caches exist for are. */
    readFraction: 0.9,
    /** Random spreading makes each node see Poisson arrivals too, which round-robin does not. */
    balance: "random",
  },

  /** A metric expectation without `node:` is about the whole system. */
  metricNode: "total",

  htmlReport: {
    /**
     * report.html draws a run's sequence diagram when trace.csv has at most this many rows: the two
     * stories and the pattern races have a dozen; a few hundred arrows is as many as a reader follows.
     */
    sequenceRowsMax: 300,
    /** Messages and marks a run keeps for its diagram at most (a request is about two to six). */
    sequenceMessagesMax: 20_000,
  },
} as const);

// Frozen so a caller that copies a default by reference and then mutates it fails loudly instead of
// changing the default for every later scenario.
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
