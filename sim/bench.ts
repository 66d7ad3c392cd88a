// `npm run bench`: runs scenarios/bench.yaml and prints simulated requests per wall-clock second,
// events per second and peak memory. Figures go to the console only; this is a benchmark, not a test.
import os from "node:os";
import path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { Stopwatch } from "./report/stopwatch.ts";
import { runScenario } from "./runner.ts";
import { ScenarioError } from "./scenario/errors.ts";
import { knownNames } from "./scenario/knownNames.ts";
import { loadScenario } from "./scenario/load.ts";
import type { Scenario } from "./scenario/types.ts";

const args = await yargs(hideBin(process.argv))
  .scriptName("npm run bench --")
  .usage("$0 [options]\n\nRuns the benchmark scenario and prints throughput and peak memory.")
  .option("scenario", { type: "string", default: "scenarios/bench.yaml", describe: "scenario to run" })
  .option("requests", { type: "number", describe: "override the generator's request count (e.g. 4000000 for the memory check)" })
  .option("live", { type: "boolean", default: false, describe: "run against the live backends configured in .env" })
  .option("out", { type: "string", describe: "report folder (default: a temporary folder)" })
  .strict()
  .help()
  .parseAsync();

function withRequests(scenario: Scenario, requests: number | undefined): Scenario {
  if (requests === undefined) return scenario;
  return {
    ...scenario,
    workloads: scenario.workloads.map((w) =>
      w.kind === "generator" ? { ...w, generator: { ...w.generator, requests } } : w,
    ),
  };
}

try {
  const loaded = loadScenario(args.scenario, {
    ...knownNames(),
    ...(args.live ? { modeOverride: "live" as const } : {}),
  });
  const scenario = withRequests(loaded, args.requests);
  const outDir = args.out ?? path.join(os.tmpdir(), `cachesim-bench-${process.pid}`);
  const stopwatch = new Stopwatch();
  const result = await runScenario(scenario, { outDir });
  const seconds = stopwatch.elapsedSeconds();
  const total = result.summary.at(-1)?.counters;
  const requests = (total?.reads ?? 0) + (total?.writes ?? 0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`scenario            ${scenario.file} (${scenario.backend.mode} backends, seed ${scenario.seed})`);
  console.log(`requests            ${fmt(requests)}`);
  console.log(`events              ${fmt(result.stats.events)}`);
  console.log(`wall clock          ${seconds.toFixed(2)} s (including loading the initial data)`);
  console.log(`requests per second ${fmt(requests / seconds)}`);
  console.log(`events per second   ${fmt(result.stats.events / seconds)}`);
  console.log(`peak memory (RSS)   ${peakRssMiB.toFixed(0)} MiB`);
  console.log(`hit rate            ${result.summary.at(-1) ? (((total?.localHits ?? 0) + (total?.globalHits ?? 0)) / (total?.reads || 1)).toFixed(4) : ""}`);
  console.log(`machine             ${os.cpus().length} cores, Node ${process.version}`);
} catch (error) {
  if (error instanceof ScenarioError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
