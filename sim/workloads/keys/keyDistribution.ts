// A key distribution picks which key of a workload's key space each request touches. Keys are numbered
// 0..count-1 (the name is `prefix + index`); a distribution returns indexes, so the hot path never
// builds a string. Each distribution is one file and a line in keys/registry.ts.
import type { Rng } from "../../core/rng.ts";
import type { Plugin } from "../../plugin/registry.ts";

export interface KeySampler {
  /** The index of the next key to touch. May exceed count-1 only for distributions that follow inserts. */
  next(): number;
  /**
   * Told of every key written (updated or inserted), in order; distributions that favour recent writes
   * (`latest`) keep track, the others ignore it.
   */
  written(index: number): void;
}

export interface KeyDistributionContext {
  /** Keys in the space at the start of the run. */
  count: number;
  /** The workload's key stream (`<workload>:keys`): every draw of the distribution comes from it. */
  rng: Rng;
}

export type KeyDistribution<Options = unknown> = Plugin<Options, KeyDistributionContext, KeySampler>;

/** Helper for the many distributions that ignore writes. */
export function ignoresWrites(next: () => number): KeySampler {
  return { next, written: () => {} };
}
