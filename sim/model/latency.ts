// One-way link latency. Each link (node, kind) draws from its own named stream, so adding a node or a
// link never changes the delays any other link sees. Samples are whole microseconds, never negative.
import { exponential, standardNormal } from "../core/distributions.ts";
import type { Rng } from "../core/rng.ts";
import type { LatencyModel } from "../scenario/types.ts";

export type LatencySampler = () => number;

export function latencySampler(model: LatencyModel, rng: Rng): LatencySampler {
  switch (model.dist) {
    case "constant": {
      const value = model.valueUs;
      return () => value;
    }
    case "uniform": {
      const { minUs, maxUs } = model;
      return () => minUs + Math.floor(rng.next() * (maxUs - minUs + 1));
    }
    case "normal": {
      const { meanUs, stddevUs } = model;
      // Truncated at 0: a negative sample becomes 0 rather than being redrawn, which keeps one draw
      // per sample and so keeps the stream aligned.
      return () => Math.max(0, Math.round(meanUs + stddevUs * standardNormal(rng)));
    }
    case "lognormal": {
      const mu = Math.log(Math.max(model.medianUs, 1e-9));
      const { sigma } = model;
      return () => Math.round(Math.exp(mu + sigma * standardNormal(rng)));
    }
    case "exponential": {
      const { meanUs } = model;
      return () => Math.round(exponential(rng, meanUs));
    }
  }
}
