// One-way link latency. Each link (node, kind) draws from its own named stream, so adding a node or a
// link never changes the delays any other link sees. The models themselves are plugins in latency/.
import type { Rng } from "../core/rng.ts";
import type { LatencyModel } from "../spec/types.ts";
import { type LatencySampler, samplerOf } from "./latency/latencyModel.ts";
import { latencyModels } from "./latency/registry.ts";

export type { LatencySampler };

/** A sampler for a loaded model (its options already parsed: `{ dist: "uniform", minUs, maxUs }`). */
export function latencySampler(model: LatencyModel, rng: Rng): LatencySampler {
  return samplerOf(latencyModels, model, rng);
}
