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

import { Registry } from "../plugin/registry.ts";
import type { StrategyChoice } from "../spec/types.ts";
import { leaseFill } from "./fill/leaseFill.ts";
import { noFill } from "./fill/noFill.ts";
import { versionedFill } from "./fill/versionedFill.ts";
import { broadcastNear } from "./near/broadcastNear.ts";
import { ttlNear } from "./near/ttlNear.ts";
import type { FillPart, NearPart, ReadPart, WritePart } from "./part.ts";
import { cacheAside } from "./read/cacheAside.ts";
import { databaseRead } from "./read/databaseRead.ts";
import { readThrough } from "./read/readThrough.ts";
import { refreshAhead } from "./read/refreshAhead.ts";
import { staleWhileRevalidate } from "./read/staleWhileRevalidate.ts";
import { doubleDelete } from "./write/doubleDelete.ts";
import { invalidateFirst } from "./write/invalidateFirst.ts";
import { invalidateWrite } from "./write/invalidateWrite.ts";
import { writeAround } from "./write/writeAround.ts";
import { writeBehind } from "./write/writeBehind.ts";
import { writeThrough } from "./write/writeThrough.ts";

// Each part's options type differs; the registries hold them as parts of unknown options, and compose.ts
// hands each part the options the loader validated with that same part's schema.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyOptions = any;

export const readParts = new Registry<ReadPart<AnyOptions>>("read path", [
  databaseRead,
  readThrough,
  cacheAside,
  refreshAhead,
  staleWhileRevalidate,
]);

export const writeParts = new Registry<WritePart<AnyOptions>>("write path", [
  writeThrough,
  invalidateWrite,
  writeAround,
  invalidateFirst,
  doubleDelete,
  writeBehind,
]);

export const nearParts = new Registry<NearPart<AnyOptions>>("near-cache mode", [ttlNear, broadcastNear]);

export const fillParts = new Registry<FillPart<AnyOptions>>("fill protection", [
  noFill,
  leaseFill,
  versionedFill,
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
    rule: "write: write-behind keeps unflushed writes only in the global cache, where a fill guard (lease, versioned) would refuse or void them; use fill: none",
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

/** The choice a preset stands for, each part with its default options. */
export function presetChoice(name: string): StrategyChoice {
  const { parts } = strategyPresets.get(name);
  return {
    name,
    read: { name: parts.read, options: readParts.get(parts.read).options.parse({}) },
    write: { name: parts.write, options: writeParts.get(parts.write).options.parse({}) },
    near: { name: parts.near, options: nearParts.get(parts.near).options.parse({}) },
    fill: { name: parts.fill, options: fillParts.get(parts.fill).options.parse({}) },
  };
}
