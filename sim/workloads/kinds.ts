// Workload kinds by the field that holds their options in a scenario's workload entry. A script is the
// loader's own (its keys, values and times get the loader's spelling and end-of-run checks); the others
// are plugins whose options schemas the loader composes.

import type { z } from "zod";
import { Registry } from "../plugin/registry.ts";
import { type GeneratorSpec, generatorOptions, generatorRequestsExpected } from "./generatorSpec.ts";
import { GeneratorWorkload } from "./generatorWorkload.ts";
import { traceKind } from "./traceWorkload.ts";
import type { WorkloadKind } from "./workload.ts";
import { ycsbKind } from "./ycsb.ts";

const generatorKind: WorkloadKind<GeneratorSpec> = {
  name: "generator",
  summary: "requests over a key space: key distribution, op mix, arrival process, value sizes",
  options: generatorOptions as unknown as z.ZodType<GeneratorSpec>,
  create({ nodes }, spec) {
    return new GeneratorWorkload(nodes, spec);
  },
  requestsMax: (spec) => (spec.requests > 0 ? spec.requests : undefined),
  requestsExpected: generatorRequestsExpected,
};

export const workloadKinds = new Registry<WorkloadKind>("workload kind", [
  generatorKind,
  ycsbKind,
  traceKind,
] as WorkloadKind[]);
