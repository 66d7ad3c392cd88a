// Key distributions by the name a workload's `keys.dist` uses.
import { Registry } from "../../plugin/registry.ts";
import { hotspot } from "./hotspot.ts";
import type { KeyDistribution } from "./keyDistribution.ts";
import { latest } from "./latest.ts";
import { sequential } from "./sequential.ts";
import { uniform } from "./uniform.ts";
import { zipf } from "./zipf.ts";

export const keyDistributions = new Registry<KeyDistribution>(
  "key distribution",
  [uniform, zipf, hotspot, latest, sequential] as KeyDistribution[],
  "dist",
);
