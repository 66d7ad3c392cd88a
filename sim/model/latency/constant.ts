// Every hop takes exactly `value`: the default for every link, and what a bare duration means.
import { duration, strict } from "../../plugin/options.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

export const constant: LatencyModelPlugin<{ valueUs: number }> = {
  name: "constant",
  summary: "every hop takes exactly `value`; a bare duration (`500us`) is this model",
  example: { value: "500us" },
  options: strict({ value: duration().describe("the time every hop takes") }).transform((o) => ({
    valueUs: o.value,
  })),
  shorthand: (us) => ({ valueUs: us }),
  create(_rng, { valueUs }) {
    return () => valueUs;
  },
};
