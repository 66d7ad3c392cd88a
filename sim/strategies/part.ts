// What each slot's parts make, and what they are made from. A part is a `Plugin` (sim/plugin) whose
// factory takes the slot's context: fill protection wraps the global cache's commands (GlobalAccess),
// a near-cache mode reacts to writes, and the read and write paths are short pipelines over the tiers
// that use both. So leases, versioned fills and invalidation broadcast are decorators on a leg, not
// copies of a strategy.
import type { Operation } from "../model/operation.ts";
import type { World } from "../model/world.ts";
import type { Plugin } from "../plugin/registry.ts";

/** The global cache as the read and write paths use it, with the chosen fill protection applied. */
export interface GlobalAccess {
  /** Looks the key up: op.found is `hit` / `expired` (with the entry on op) or `miss`. */
  lookup(op: Operation, next: (op: Operation) => void): void;
  /** After a miss, puts the value read from the database into the cache (if protection allows). */
  fill(op: Operation, next: (op: Operation) => void): void;
  /** A writer's new value replaces the entry (write-through, write-behind). */
  store(op: Operation, next: (op: Operation) => void): void;
  /** A writer removes the entry (or leaves a tombstone) after committing op.version. */
  invalidate(op: Operation, next: (op: Operation) => void): void;
}

/** How nodes' own caches learn of a write. */
export interface NearMode {
  /**
   * The write `op` has been acknowledged at its node (op.version is its version). The operation may be
   * reused once this returns: work that goes on later takes a copy (steps.background).
   */
  written(op: Operation): void;
}

export interface ReadPath {
  /** Carries a read that missed the node's own cache to its answer (steps.finishRead). */
  read(op: Operation): void;
}

export interface WritePath {
  /** Carries a write to its acknowledgement (steps.finishWrite). */
  write(op: Operation): void;
}

export interface FillContext {
  world: World;
}
export interface NearContext {
  world: World;
}
export interface ReadContext {
  world: World;
  access: GlobalAccess;
}
export interface WriteContext {
  world: World;
  access: GlobalAccess;
  near: NearMode;
}

/** A part of a slot: a plugin plus whether it needs the global tier (else `globalCache` means nothing). */
export interface StrategyPart<Options, Context, Made> extends Plugin<Options, Context, Made> {
  readonly usesGlobalTier: boolean;
}

export type FillPart<O = never> = StrategyPart<O, FillContext, GlobalAccess>;
export type NearPart<O = never> = StrategyPart<O, NearContext, NearMode>;
export type ReadPart<O = never> = StrategyPart<O, ReadContext, ReadPath>;
export type WritePart<O = never> = StrategyPart<O, WriteContext, WritePath>;
