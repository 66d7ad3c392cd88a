// A latency model picks how long one hop on a link takes. Each model is one file in this folder and a
// line in registry.ts: a Plugin whose options (as a scenario writes them, durations parsed to µs) come
// out of its schema already in the resolved form (`valueUs`, `minUs`, ...), and whose sampler draws
// from the link's own stream. Samples are whole microseconds, never negative.
//
// The files here take their option building blocks from scenario/schema.ts rather than
// plugin/options.ts, which re-exports the latency field built from this registry (a cycle otherwise).
import type { Rng } from "../../core/rng.ts";
import type { Plugin } from "../../plugin/registry.ts";

export type LatencySampler = () => number;

export interface LatencyModelPlugin<Options extends Record<string, number> = Record<string, number>>
  extends Plugin<Options, Rng, LatencySampler> {
  /** The options a bare duration stands for (`network: { cache: 500us }`); only one model takes it. */
  readonly shorthand?: (us: number) => Options;
}
