// Every whole microsecond from `min` to `max` equally likely.

import { duration, strict } from "../../plugin/options.ts";
import { formatDurationUs } from "../../spec/duration.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";

export const uniform: LatencyModelPlugin<{ minUs: number; maxUs: number }> = {
  name: "uniform",
  summary: "every whole microsecond from `min` to `max` equally likely",
  example: { min: "500us", max: "1.5ms" },
  options: strict({
    min: duration().describe("the shortest hop"),
    max: duration().describe("the longest hop (no smaller than min)"),
  })
    .superRefine((o, ctx) => {
      if (o.max < o.min) {
        const message = `expected a max no smaller than min (${formatDurationUs(o.min)})`;
        ctx.addIssue({ code: "custom", message, path: ["max"], input: o.max });
      }
    })
    .transform((o) => ({ minUs: o.min, maxUs: o.max })),
  create(rng, { minUs, maxUs }) {
    return () => minUs + Math.floor(rng.next() * (maxUs - minUs + 1));
  },
};
