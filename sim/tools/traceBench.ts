// `npm run bench:trace`: trace replay throughput. Replays a single-node trace through a local LRU cache
// with no network model (every latency 0) and prints simulated requests per wall-clock second, beside
// what reading and parsing the trace alone costs. Without --trace it first writes a deterministic trace
// (Zipf keys from a fixed seed) to a temporary file, so nothing big is committed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { ZipfSampler } from "../core/distributions.ts";
import { RngStreams } from "../core/rng.ts";
import { Scheduler } from "../core/scheduler.ts";
import { Oracle } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";
import { Stopwatch } from "../report/stopwatch.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario } from "../scenario/load.ts";
import { ScenarioError } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { workloadKinds } from "../workloads/kinds.ts";
import { openTrace } from "../workloads/traceWorkload.ts";
import { usageFailure, wholeNumbers } from "./benchOptions.ts";

/** Timed runs at most: each replays the whole trace. */
const RUNS_MAX = 100;
/** A generated trace is built as one text in memory; V8 caps a string at about 512 MiB. */
const GENERATED_REQUESTS_MAX = 20_000_000;

const args = await yargs(hideBin(process.argv))
  .scriptName("npm run bench:trace --")
  .usage("$0 [options]\n\nReplays a trace on one node with an LRU cache and no latency; prints requests/s.")
  .option("trace", { type: "string", describe: "trace file to replay (default: generate one)" })
  .option("requests", { type: "number", default: 1_000_000, describe: "requests in the generated trace" })
  .option("keys", {
    type: "number",
    default: 100_000,
    describe: "distinct keys in the generated trace (Zipf 0.99)",
  })
  .option("capacity", { type: "number", default: 10_000, describe: "LRU capacity in entries" })
  .option("replay", {
    type: "boolean",
    default: true,
    describe: "replay the trace (--no-replay: only read and parse it, e.g. to watch memory on a long one)",
  })
  .option("runs", {
    type: "number",
    default: 2,
    describe: "timed runs (the best is reported; the machine is shared)",
  })
  .check(
    wholeNumbers({
      requests: [1, GENERATED_REQUESTS_MAX],
      keys: [1, LIMITS.keyCount],
      capacity: [1, LIMITS.cacheCapacity],
      runs: [1, RUNS_MAX],
    }),
  )
  .fail(usageFailure)
  .strict()
  .help()
  .parseAsync();

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-bench-trace-"));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
try {
  let traceFile = args.trace === undefined ? "" : path.resolve(args.trace);
  if (traceFile === "") {
    traceFile = path.join(tmp, "zipf.txt");
    const rng = new RngStreams(1).stream("bench-trace");
    const zipf = new ZipfSampler(args.keys, 0.99);
    const lines = new Array<string>(args.requests);
    for (let i = 0; i < args.requests; i++) lines[i] = String(zipf.sample(rng));
    writeFileSync(traceFile, `${lines.join("\n")}\n`);
  }

  // Reading and parsing alone: the floor under any replay.
  const parse = new Stopwatch();
  const parseCpu = process.cpuUsage();
  const reader = openTrace(traceFile, { format: null });
  let records = 0;
  while (reader.next() !== null) records++;
  reader.close();
  const parseSeconds = parse.elapsedSeconds();
  const parseCpuUsed = process.cpuUsage(parseCpu);
  const parseCpuSeconds = (parseCpuUsed.user + parseCpuUsed.system) / 1e6;

  console.log(
    `trace               ${args.trace !== undefined ? `${args.trace}: ${fmt(records)} records` : `generated: ${fmt(args.requests)} Zipf(0.99) requests over ${fmt(args.keys)} keys`}`,
  );
  console.log(
    `read + parse only   ${fmt(records / parseSeconds)} records/s (${parseSeconds.toFixed(2)} s; ${fmt(records / parseCpuSeconds)} per CPU second)`,
  );
  if (args.replay) {
    await workloadOnly(traceFile);
    await replay(traceFile);
  }
  console.log(`peak RSS            ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`);
} catch (error) {
  if (error instanceof ScenarioError) {
    console.error(error.message);
    process.exitCode = 2;
  } else throw error;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * The trace workload and the scheduler alone: the workload issues every request, on time, to a strategy
 * that does nothing. What is left of a replay's cost when this is taken away is the simulated system's.
 */
async function workloadOnly(traceFile: string): Promise<void> {
  const plugin = workloadKinds.get("trace");
  const spec = plugin.options.parse({ file: traceFile, rate: 1_000_000, arrival: "constant" });
  const node = { name: "A", index: 0 } as SimNode;
  let bestCpu = Number.POSITIVE_INFINITY;
  let issued = 0;
  for (let run = 0; run < args.runs; run++) {
    const scheduler = new Scheduler();
    issued = 0;
    const count = () => {
      issued++;
    };
    const cpu = process.cpuUsage();
    plugin.create({ nodes: ["A"], baseDir: tmp }, spec).start({
      scheduler,
      strategy: { read: count, write: count, flush: count },
      nodesByName: new Map([["A", node]]),
      rng: new RngStreams(1),
      oracle: new Oracle(),
      streamPrefix: "workload[0]",
    });
    await scheduler.run(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const used = process.cpuUsage(cpu);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
  }
  console.log(
    `workload + events   ${fmt(issued / bestCpu)} requests per CPU second (best of ${args.runs}; a strategy that does nothing)`,
  );
}

/** Replays the trace `runs` times through a local LRU cache with no latency; prints the best. */
async function replay(traceFile: string): Promise<void> {
  const scenarioText = `name: bench-trace
strategy: local
duration: 1000000s
defaults:
  cache: { capacity: ${args.capacity}, ttl: 0s, eviction: lru }
  network: { cache: 0us, database: 0us }
nodes: [A]
workloads:
  - trace: { file: ${JSON.stringify(traceFile)}, rate: 1000000, arrival: constant }
report: { interval: 1000000s, trace: never }
limits: { events: 10000000000 }
`;
  const scenario = parseScenario(scenarioText, path.join(tmp, "bench-trace.yaml"), knownNames());
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let result: Awaited<ReturnType<typeof runScenario>> | null = null;
  for (let run = 0; run < args.runs; run++) {
    const stopwatch = new Stopwatch();
    const cpu = process.cpuUsage();
    result = await runScenario(scenario, { outDir: path.join(tmp, `out-${run}`) });
    best = Math.min(best, stopwatch.elapsedSeconds());
    const used = process.cpuUsage(cpu);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
  }
  const total = result?.summary.at(-1)?.counters;
  const requests = (total?.reads ?? 0) + (total?.writes ?? 0);
  console.log(
    `replay (best of ${args.runs})   ${fmt(requests / best)} requests/s (${fmt(requests)} requests in ${best.toFixed(2)} s, ${fmt((result?.stats.events ?? 0) / best)} events/s)`,
  );
  console.log(
    `replay, CPU time    ${fmt(requests / bestCpu)} requests per CPU second (${bestCpu.toFixed(2)} s; steadier than wall time on a shared machine)`,
  );
  console.log(
    `hit rate            ${total && total.reads > 0 ? (total.localHits / total.reads).toFixed(4) : ""} (LRU, ${fmt(args.capacity)} entries)`,
  );
}
