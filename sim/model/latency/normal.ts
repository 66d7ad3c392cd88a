// Normal around `mean`, truncated at 0: a negative sample becomes 0 rather than being redrawn, which
// keeps one draw per sample and so keeps the stream aligned.
import { standardNormal } from "../../core/distributions.ts";
import { duration, strict } from "../../plugin/options.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

export const normal: LatencyModelPlugin<{ meanUs: number; stddevUs: number }> = {
  name: "normal",
  summary: "normal around `mean` with spread `stddev`, rounded, a negative sample taken as 0",
  example: { mean: "1ms", stddev: "250us" },
  options: strict({
    mean: duration().describe("the centre"),
    stddev: duration().describe("the standard deviation"),
  }).transform((o) => ({ meanUs: o.mean, stddevUs: o.stddev })),
  create(rng, { meanUs, stddevUs }) {
    return () => Math.max(0, Math.round(meanUs + stddevUs * standardNormal(rng)));
  },
};
