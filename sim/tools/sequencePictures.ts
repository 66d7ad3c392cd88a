// The sequence diagrams the documentation shows (docs/reports.md and the front page): the two stories
// and the cache-aside race without and with a lease, each run afresh with its messages recorded and
// drawn exactly as `cachesim run <scenario> --html` draws it. `npm run docs:sequences` writes them
// under docs/; test/sequence-docs.test.ts checks the files against a fresh drawing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SequenceLog } from "../metrics/sequenceLog.ts";
import { sequenceSvgOf, writeHtmlReport } from "../report/html/writeReport.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario } from "../scenario/load.ts";
import { DEFAULTS } from "../spec/defaults.ts";

export const SEQUENCE_PICTURES: ReadonlyArray<{ scenario: string; svg: string }> = [
  { scenario: "scenarios/local-stale.yaml", svg: "docs/sequence-local-stale.svg" },
  { scenario: "scenarios/global-coordinator.yaml", svg: "docs/sequence-global-coordinator.svg" },
  { scenario: "scenarios/patterns/cache-aside-race.yaml", svg: "docs/sequence-cache-aside-race.svg" },
  { scenario: "scenarios/patterns/cache-aside-lease.yaml", svg: "docs/sequence-cache-aside-lease.svg" },
];

/** Runs the scenario (in memory, its own seed) and returns its sequence diagram as SVG text. */
export async function sequencePicture(scenarioFile: string): Promise<string> {
  const scenario = loadScenario(scenarioFile, knownNames());
  const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sequence-"));
  try {
    const out = path.join(tmp, "run");
    const sequence = new SequenceLog(DEFAULTS.htmlReport.sequenceMessagesMax);
    const result = await runScenario(scenario, { outDir: out, sequence });
    const info = {
      name: scenario.name,
      description: scenario.description,
      file: scenario.file,
      seed: scenario.seed,
      strategy: scenario.strategy.name,
      backend: scenario.backend.mode,
      command: `cachesim run ${scenario.file} --seed ${scenario.seed} --html`,
      expectations: result.expectations,
    };
    await writeHtmlReport(out, undefined, { info, sequence });
    const svg = sequenceSvgOf(out);
    if (svg === null) throw new Error(`${scenarioFile}: no sequence diagram was drawn`);
    return `${svg}\n`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const picture of SEQUENCE_PICTURES) {
    writeFileSync(picture.svg, await sequencePicture(picture.scenario));
    console.log(`wrote ${picture.svg}`);
  }
}
