// The `sweep:` section: the grid `cachesim sweep` runs the scenario over (sim/sweep/plan.ts reads and
// checks it from the file itself). A plain run accepts it and ignores it, so a swept scenario still runs
// on its own; it adds nothing to the resolved scenario.
import { z } from "zod";
import { section } from "./section.ts";

export const sweepSection = section({
  field: "sweep",
  schema: z.unknown(),
  resolve: (): undefined => undefined,
});
