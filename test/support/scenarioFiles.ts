// Test support: every scenario file the project ships as a runnable example, as paths relative to
// scenarios/ (top-level files, and those in the folders below, e.g. `faults/partition.yaml`), sorted.
// Sweep files (scenarios/sweeps/) are not runs of their own and are left out.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

export const SCENARIO_FOLDERS = ["faults", "patterns", "workloads"] as const;

export function shippedScenarioFiles(root = "scenarios"): string[] {
  const files = readdirSync(root).filter((f) => f.endsWith(".yaml"));
  for (const folder of SCENARIO_FOLDERS) {
    const dir = path.join(root, folder);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith(".yaml")) files.push(`${folder}/${f}`);
  }
  return files.sort();
}
