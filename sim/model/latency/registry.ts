// Latency models by the name a scenario's `dist:` uses (`network.cache`, `network.database`,
// `database.service`, a near cache's broadcast `latency`). A new model is one file here plus a line.
import { Registry } from "../../plugin/registry.ts";
import { constant } from "./constant.ts";
import { empirical } from "./empirical.ts";
import { exponential } from "./exponential.ts";
import type { LatencyModelPlugin } from "./latencyModel.ts";
import { lognormal } from "./lognormal.ts";
import { mixtureOf } from "./mixture.ts";
import { normal } from "./normal.ts";
import { pareto } from "./pareto.ts";
import { uniform } from "./uniform.ts";

export const latencyModels: Registry<LatencyModelPlugin> = new Registry<LatencyModelPlugin>(
  "latency model",
  [
    constant,
    uniform,
    normal,
    lognormal,
    exponential,
    pareto,
    empirical,
    // Its components are models of this same registry.
    mixtureOf(() => latencyModels),
  ] as LatencyModelPlugin[],
  "dist",
);
