// The strategy catalogue: a strategy is four parts, each chosen by name from its own registry and each
// with options of its own. A scenario names a preset (`strategy: global`) or composes the parts:
//
//   strategy:
//     read: cache-aside                          # how a read that misses the node fills the caches
//     write: { name: write-behind, delay: 50ms }  # what a write does to the database and the caches
//     near: { name: broadcast, loss: 0.01 }       # how nodes' own (near) caches learn of writes
//     fill: lease                                # what protects the global cache against late fills
//
// Parts a mapping leaves out take the slot's default. The scenario loader reads the option schemas from
// here; which combinations make sense is decided by `checkStrategy`, which the loader calls so that a
// bad combination is a scenario error with a position like any other.
import { z } from "zod";
import { duration, intIn, latency, numberIn, strict } from "../plugin/options.ts";
import { Registry } from "../plugin/registry.ts";

/** One choice for one slot of a strategy: a name, a summary and its options. */
export interface StrategyPart<Options = unknown> {
  readonly name: string;
  readonly summary: string;
  readonly options: z.ZodType<Options>;
  /** Whether this part needs the global (Redis) tier; a strategy without one ignores `globalCache`. */
  readonly usesGlobalTier: boolean;
}

const none = strict({});

function part<O>(
  name: string,
  summary: string,
  options: z.ZodType<O>,
  usesGlobalTier = true,
): StrategyPart<O> {
  return { name, summary, options, usesGlobalTier };
}

export const readParts = new Registry<StrategyPart>("read path", [
  part(
    "database",
    "no global tier: a miss in the node's cache reads the database and fills only that cache",
    none,
    false,
  ),
  part(
    "read-through",
    "a miss reads the database and fills the global cache before answering (the cache loads itself)",
    none,
  ),
  part(
    "cache-aside",
    "the application checks the global cache; on a miss it reads the database, answers, and SETs the cache itself",
    none,
  ),
  part(
    "refresh-ahead",
    "read-through, and an entry read within `window` of its expiry is refreshed in the background",
    strict({
      window: duration({ positive: true })
        .default(5_000_000)
        .describe("how long before an entry's expiry a read triggers a background refresh"),
    }),
  ),
  part(
    "stale-while-revalidate",
    "read-through; an entry past its TTL but within `grace` is served (stale-served) while one background refresh runs",
    strict({
      grace: duration({ positive: true })
        .default(10_000_000)
        .describe("how long past its TTL an entry may still be served while it is refreshed"),
    }),
  ),
]);

export const writeParts = new Registry<StrategyPart>("write path", [
  part("write-through", "commit to the database, then SET the global cache", none),
  part(
    "invalidate",
    "commit to the database, then DEL the global cache entry (the usual cache-aside write)",
    none,
  ),
  part("write-around", "commit to the database only; the global cache catches up by TTL", none, false),
  part(
    "double-delete",
    "DEL the global cache entry, commit to the database, DEL again after `delay`",
    strict({
      delay: duration().default(500_000).describe("how long after the commit the second DEL is sent"),
    }),
  ),
  part(
    "write-behind",
    "SET the global cache and acknowledge; a background flusher commits to the database later",
    strict({
      delay: duration()
        .default(100_000)
        .describe("how long a write waits in the cache before the flusher commits it"),
      batch: intIn(1, 100_000).default(100).describe("most writes one flush commits"),
    }),
  ),
]);

export const nearParts = new Registry<StrategyPart>("near-cache mode", [
  part("ttl", "nodes' own caches expire by TTL only; nobody tells them of writes", none, false),
  part(
    "broadcast",
    "a write publishes an invalidation that every other node applies when it arrives (Redis client-side caching, broadcast mode)",
    strict({
      latency: latency
        .default({ dist: "constant", valueUs: 1_000 })
        .describe("delivery latency, per receiving node"),
      loss: numberIn(0, 1).default(0).describe("probability that one node's copy of a message is lost"),
    }),
  ),
]);

export const fillParts = new Registry<StrategyPart>("fill protection", [
  part("none", "any reader that missed may fill the global cache", none, false),
  part(
    "lease",
    "a miss takes a lease; only the holder may fill, a DEL voids the lease, other readers wait and retry",
    strict({
      ttl: duration({ positive: true })
        .default(10_000_000)
        .describe("how long a lease lasts if its holder never fills"),
      retry: duration({ positive: true })
        .default(1_000)
        .describe("how long a reader without the lease waits before retrying"),
      retries: intIn(0, 1_000)
        .default(20)
        .describe("retries before a reader gives up and reads the database without filling"),
    }),
  ),
  part(
    "versioned",
    "a fill only replaces an older version (compare-and-set); an invalidation leaves a tombstone carrying the new version",
    strict({
      tombstones: z
        .boolean({ error: "expected true or false" })
        .default(true)
        .describe("leave a tombstone on invalidation"),
      tombstoneTtl: duration({ positive: true }).default(10_000_000).describe("how long a tombstone lasts"),
    }),
  ),
]);

export const STRATEGY_SLOTS = {
  read: readParts,
  write: writeParts,
  near: nearParts,
  fill: fillParts,
} as const;
export type StrategySlot = keyof typeof STRATEGY_SLOTS;

/** The default part of each slot, for a composed strategy that leaves a slot out. */
export const SLOT_DEFAULTS: Readonly<Record<StrategySlot, string>> = {
  read: "read-through",
  write: "write-through",
  near: "ttl",
  fill: "none",
};

/** A named, ready-made combination of parts (with each part's default options). */
export interface StrategyPreset {
  readonly name: string;
  readonly summary: string;
  readonly parts: Readonly<Record<StrategySlot, string>>;
}

export const strategyPresets = new Registry<StrategyPreset>("strategy", [
  {
    name: "local",
    summary: "per-node caches only; a write updates the writer's cache and nobody else's",
    parts: { read: "database", write: "write-around", near: "ttl", fill: "none" },
  },
  {
    name: "global",
    summary: "read-through and write-through a consistent-hashed global cache (Redis) over SQLite",
    parts: { read: "read-through", write: "write-through", near: "ttl", fill: "none" },
  },
]);

/** A strategy after loading: each slot's part and its options with every default filled in. */
export interface StrategyChoice {
  /** The preset's name, or "custom" for a composed mapping; for messages and the console. */
  name: string;
  read: { name: string; options: unknown };
  write: { name: string; options: unknown };
  near: { name: string; options: unknown };
  fill: { name: string; options: unknown };
}

/** Whether a strategy has a global tier at all (and so whether `globalCache` means anything). */
export function usesGlobalTier(choice: StrategyChoice): boolean {
  return (Object.keys(STRATEGY_SLOTS) as StrategySlot[]).some(
    (slot) => STRATEGY_SLOTS[slot].get(choice[slot].name).usesGlobalTier,
  );
}

/** A problem with a combination, naming the slot it is reported at. */
export interface CombinationProblem {
  slot: StrategySlot;
  message: string;
}

/**
 * Which combinations are refused, and why. Everything not refused here is valid; `cachesim strategies`
 * and the README list these rules.
 */
export const COMBINATION_RULES: ReadonlyArray<{
  rule: string;
  slot: StrategySlot;
  refuses(c: StrategyChoice): boolean;
}> = [
  {
    rule: "read: database (no global tier) goes only with write: write-around and fill: none",
    slot: "write",
    refuses: (c) => c.read.name === "database" && c.write.name !== "write-around",
  },
  {
    rule: "read: database (no global tier) goes only with write: write-around and fill: none",
    slot: "fill",
    refuses: (c) => c.read.name === "database" && c.fill.name !== "none",
  },
  {
    rule: "near: broadcast needs a global tier to publish through (not read: database)",
    slot: "near",
    refuses: (c) => c.near.name === "broadcast" && c.read.name === "database",
  },
  {
    rule: "write: write-behind keeps unflushed writes in the global cache, so fill protection (lease, versioned) cannot guard it",
    slot: "fill",
    refuses: (c) => c.write.name === "write-behind" && c.fill.name !== "none",
  },
  {
    rule: "fill: lease and fill: versioned guard fills after a miss, which read: refresh-ahead and stale-while-revalidate also do in the background; use them with read-through or cache-aside",
    slot: "fill",
    refuses: (c) => c.fill.name !== "none" && c.read.name !== "read-through" && c.read.name !== "cache-aside",
  },
];

export function checkStrategy(choice: StrategyChoice): CombinationProblem[] {
  return COMBINATION_RULES.filter((r) => r.refuses(choice)).map((r) => ({ slot: r.slot, message: r.rule }));
}

/**
 * Default local (near) cache capacity for nodes under this strategy. The local story is about nodes'
 * own caches, so they have one; over a global tier a near cache is opt-in (`cache.capacity` > 0), since
 * a near cache silently makes a consistent design serve stale reads.
 */
export function defaultNodeCacheCapacity(choice: StrategyChoice): number {
  return usesGlobalTier(choice) ? 0 : 1_000;
}
