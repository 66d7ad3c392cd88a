// Exponential with the given mean: memoryless, the classic queueing service time.
import { exponential as draw } from "../../core/distributions.ts";
import { duration, strict } from "../../plugin/options.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

export const exponential: LatencyModelPlugin<{ meanUs: number }> = {
  name: "exponential",
  summary: "exponential with mean `mean`, rounded",
  example: { mean: "1ms" },
  options: strict({ mean: duration().describe("the mean") }).transform((o) => ({ meanUs: o.mean })),
  create(rng, { meanUs }) {
    return () => Math.round(draw(rng, meanUs));
  },
};
