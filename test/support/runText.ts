// Test support: run a scenario given as YAML text into a temporary folder and read back its reports.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Backends } from "../../sim/model/ports.ts";
import { type RunResult, runScenario } from "../../sim/run/runner.ts";
import { knownNames } from "../../sim/scenario/knownNames.ts";
import { loadScenario, parseScenario } from "../../sim/scenario/load.ts";
import type { Scenario } from "../../sim/sections/registry.ts";

export interface RunOutput {
  result: RunResult;
  files: Record<string, string>;
}

export function scenarioFromText(text: string, seedOverride?: number): Scenario {
  return parseScenario(text, "inline.yaml", {
    ...knownNames(),
    ...(seedOverride !== undefined ? { seedOverride } : {}),
  });
}

export function scenarioFromFile(file: string, seedOverride?: number): Scenario {
  return loadScenario(file, { ...knownNames(), ...(seedOverride !== undefined ? { seedOverride } : {}) });
}

/** Runs the scenario and returns its result and the text of every report file it wrote. */
export async function runToTexts(scenario: Scenario, backends?: Backends): Promise<RunOutput> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-test-"));
  try {
    const outDir = path.join(dir, "out");
    const result = await runScenario(scenario, { outDir, ...(backends ? { backends } : {}) });
    const files: Record<string, string> = {};
    for (const f of result.files) files[f] = readFileSync(path.join(outDir, f), "utf8");
    return { result, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
