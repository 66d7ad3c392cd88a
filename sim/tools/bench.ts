// `npm run bench`: runs scenarios/bench.yaml and prints simulated requests per wall-clock second,
// events per second and peak memory. Figures go to the console only; this is a benchmark, not a test.
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { Stopwatch } from "../report/stopwatch.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario } from "../scenario/load.ts";
import type { Scenario } from "../sections/registry.ts";
import { ScenarioError } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { isScript } from "../spec/types.ts";
import { usageFailure, wholeNumbers } from "./benchOptions.ts";
import { StandInTimes } from "./standInTimes.ts";

const args = await yargs(hideBin(process.argv))
  .scriptName("npm run bench --")
  .usage("$0 [options]\n\nRuns the benchmark scenario and prints throughput and peak memory.")
  .option("scenario", { type: "string", default: "scenarios/bench.yaml", describe: "scenario to run" })
  .option("requests", {
    type: "number",
    describe: "override the generator's request count (e.g. 4000000 for the memory check)",
  })
  .option("live", {
    type: "boolean",
    default: false,
    describe: "run against the live backends configured in .env",
  })
  .option("out", { type: "string", describe: "report folder (default: a temporary folder)" })
  .option("stand-ins", {
    type: "boolean",
    default: false,
    describe: "also time every call into ioredis-mock and sql.js, and print their share of the run",
  })
  .check(wholeNumbers({ requests: [1, LIMITS.requests] }))
  .fail(usageFailure)
  .strict()
  .help()
  .parseAsync();

function withRequests(scenario: Scenario, requests: number | undefined): Scenario {
  if (requests === undefined) return scenario;
  return {
    ...scenario,
    workloads: scenario.workloads.map((w) =>
      w.kind === "generator" && !isScript(w) ? { ...w, options: { ...(w.options as object), requests } } : w,
    ),
  };
}

/** A full garbage collection, so the heap left afterwards is what the run really keeps. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/** One line per operation called: calls, time each, time in all; then the total and its share of the run. */
function printStandIns(standIns: StandInTimes, runSeconds: number): void {
  const tallies = standIns.tallies();
  const fmt = (n: number) => n.toLocaleString("en-US");
  console.log(
    `inside the stand-ins (each call timed; the timer's own ${standIns.timerNsPerCall.toFixed(0)} ns a call taken out)`,
  );
  for (const t of tallies) {
    const eachUs = (t.seconds * 1e6) / t.calls;
    console.log(
      `  ${t.operation.padEnd(22)}${fmt(t.calls).padStart(11)} ${t.calls === 1 ? "call " : "calls"} ${eachUs.toFixed(2).padStart(8)} us each ${t.seconds.toFixed(3).padStart(8)} s`,
    );
  }
  const calls = tallies.reduce((sum, t) => sum + t.calls, 0);
  const seconds = tallies.reduce((sum, t) => sum + t.seconds, 0);
  const share = runSeconds > 0 ? Math.round((100 * seconds) / runSeconds) : 0;
  console.log(
    `  ${"in all".padEnd(22)}${fmt(calls).padStart(11)} calls ${"".padStart(16)}${seconds.toFixed(3).padStart(8)} s (${share} % of the wall clock above)`,
  );
}

try {
  const loaded = loadScenario(args.scenario, {
    ...knownNames(),
    ...(args.live ? { modeOverride: "live" as const } : {}),
  });
  const scenario = withRequests(loaded, args.requests);
  const outDir = args.out ?? path.join(os.tmpdir(), `cachesim-bench-${process.pid}`);
  // Wrapped before the run starts, so the stores it opens are timed from their first call.
  const standIns = args.standIns && scenario.backend.mode === "memory" ? new StandInTimes() : null;
  const stopwatch = new Stopwatch();
  let heapInUseMiB = 0;
  let probeSeconds = 0;
  const result = await runScenario(scenario, {
    outDir,
    afterSimulation: () => {
      const probe = new Stopwatch();
      collectGarbage();
      heapInUseMiB = process.memoryUsage().heapUsed / 1048576;
      probeSeconds = probe.elapsedSeconds();
    },
  });
  // The probe's full collection is the benchmark's doing, not the run's.
  const seconds = stopwatch.elapsedSeconds() - probeSeconds;
  standIns?.stop();
  if (args.out === undefined) rmSync(outDir, { recursive: true, force: true });
  const total = result.summary.at(-1)?.counters;
  const requests = (total?.reads ?? 0) + (total?.writes ?? 0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const hitRate =
    total && total.reads > 0 ? ((total.localHits + total.globalHits) / total.reads).toFixed(4) : "";
  console.log(
    `scenario            ${scenario.file} (${scenario.backend.mode} backends, seed ${scenario.seed})`,
  );
  console.log(`requests            ${fmt(requests)} (hit rate ${hitRate})`);
  console.log(`events              ${fmt(result.stats.events)}`);
  console.log(
    `wall clock          ${seconds.toFixed(2)} s (the whole run, loading the initial data included)`,
  );
  console.log(`requests per second ${fmt(requests / seconds)}`);
  console.log(`events per second   ${fmt(result.stats.events / seconds)}`);
  console.log(`peak memory (RSS)   ${peakRssMiB.toFixed(0)} MiB`);
  console.log(
    `heap in use at end  ${heapInUseMiB.toFixed(0)} MiB (after a full GC, with the whole world still alive)`,
  );
  console.log(
    `machine             ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
  );
  if (args.standIns && standIns === null) console.log("stand-ins           none: the run used live backends");
  if (standIns !== null) printStandIns(standIns, seconds);
} catch (error) {
  if (error instanceof ScenarioError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
}
