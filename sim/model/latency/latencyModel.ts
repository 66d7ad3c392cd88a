// A latency model picks how long one hop on a link takes. Each model is one file in this folder and a
// line in registry.ts: a Plugin whose options (as a scenario writes them, durations parsed to µs) come
// out of its schema already in the resolved form (`valueUs`, `minUs`, ...), and whose sampler draws
// from the link's own stream. Samples are whole microseconds, never negative. Resolved options are
// plain data (LatencyOptions): numbers mostly, a table for `empirical`, other models for `mixture`.
import type { Rng } from "../../core/rng.ts";
import type { Plugin, Registry } from "../../plugin/registry.ts";
import type { LatencyModel, LatencyOptions } from "../../spec/types.ts";

export type LatencySampler = () => number;

export interface LatencyModelPlugin<Options extends LatencyOptions = LatencyOptions>
  extends Plugin<Options, Rng, LatencySampler> {
  /** The options a bare duration stands for (`network: { cache: 500us }`); only one model takes it. */
  readonly shorthand?: (us: number) => Options;
  /**
   * Options as a scenario would write them, for the picture of the model's shape in the documentation
   * (`npm run docs:latency` draws docs/latency-<name>.svg from them).
   */
  readonly example: Readonly<Record<string, unknown>>;
}

/** A sampler for a loaded model, from the registry that knows its `dist`. */
export function samplerOf(
  registry: Registry<LatencyModelPlugin>,
  model: LatencyModel,
  rng: Rng,
): LatencySampler {
  const { dist, ...options } = model;
  return registry.get(dist).create(rng, options);
}
