// Pareto (type I) with scale `min` and shape `alpha`: P(X > x) = (min / x)^alpha for x ≥ min. The heavy
// tail of the p99.9 a cache exists to hide: halving alpha lengthens the tail by far more than the median.
// Drawn by inversion, min / U^(1/alpha) with U in (0, 1], one draw per sample from the link's stream.
import { duration, numberIn, strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

/** Shapes below this give tails no run could sample fairly (a mean and a variance are both infinite). */
const ALPHA_MIN = 0.1;
const ALPHA_MAX = 100;

export const pareto: LatencyModelPlugin<{ minUs: number; alpha: number }> = {
  name: "pareto",
  summary: "at least `min`, P(hop > x) = (`min`/x)^`alpha`, rounded: a heavy tail",
  example: { min: "500us", alpha: 1.5 },
  options: strict({
    min: duration({ positive: true }).describe("the shortest hop (the scale)"),
    alpha: numberIn(ALPHA_MIN, ALPHA_MAX).describe(
      `the tail's shape, ${ALPHA_MIN} … ${ALPHA_MAX} (smaller is heavier; the mean is finite above 1)`,
    ),
  }).transform((o) => ({ minUs: o.min, alpha: o.alpha })),
  create(rng, { minUs, alpha }) {
    const inverse = 1 / alpha;
    // A draw from far in the tail is held to the longest duration a scenario may name, so virtual time
    // stays exact and finite.
    return () => Math.min(Math.round(minUs / (1 - rng.next()) ** inverse), LIMITS.durationUs);
  },
};
