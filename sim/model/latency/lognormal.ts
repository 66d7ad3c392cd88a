// Lognormal with the given median: median × e^(sigma·N(0,1)). The long right tail of real networks.
import { standardNormal } from "../../core/distributions.ts";
import { duration, numberIn, strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

export const lognormal: LatencyModelPlugin<{ medianUs: number; sigma: number }> = {
  name: "lognormal",
  summary: "`median` × e^(`sigma`·N(0,1)), rounded: a long right tail",
  example: { median: "1ms", sigma: 0.5 },
  options: strict({
    median: duration().describe("the median"),
    sigma: numberIn(0, LIMITS.lognormalSigma).describe(
      `the spread of the logarithm, 0 … ${LIMITS.lognormalSigma} (0 is constant)`,
    ),
  }).transform((o) => ({ medianUs: o.median, sigma: o.sigma })),
  create(rng, { medianUs, sigma }) {
    const mu = Math.log(Math.max(medianUs, 1e-9));
    return () => Math.round(Math.exp(mu + sigma * standardNormal(rng)));
  },
};
