// `npm run bench:kernel`: the event kernel alone, on the workload of SimPy's kernel benchmark
// (/work/shared/peers/simpy_kernel.py's definition): N processes (default 1,000) each wait an exponential
// delay (mean one virtual second), again and again, until the target number of timeouts (default
// 1,000,000) has fired. Nothing else happens, so the figure is the cost of scheduling and running one
// event. Prints timeouts fired per wall-clock second; a benchmark, not a test, so it asserts nothing.
import { spawnSync } from "node:child_process";
import v8 from "node:v8";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { exponential } from "../core/distributions.ts";
import { type Rng, RngStreams } from "../core/rng.ts";
import { Scheduler } from "../core/scheduler.ts";
import { Stopwatch } from "../report/stopwatch.ts";
import { usageFailure, wholeNumbers } from "./benchOptions.ts";

/** A virtual second in the kernel's unit. */
const SECOND_US = 1_000_000;
/** Upper bounds on the options, so a typo cannot ask for a run that never ends. */
const PROCS_MAX = 1_000_000;
const EVENTS_MAX = 1_000_000_000;

/**
 * V8 options for this benchmark alone. Much of a run this short is V8 warming up, and on a shared
 * machine with two cores its background threads wait for a core: the optimised code for the loop came
 * tens of milliseconds late while the loop ran in the interpreter, and a scavenge waited for its
 * parallel tasks. With that work done on the main thread as it is asked for, 1,000,000 events took 0.12
 * to 0.14 s instead of 0.21 to 0.23 s (the best of 8 alternating runs; medians 0.17 to 0.25 s against
 * 0.26 to 0.29 s). V8 reads this option only at start-up, so the script runs itself again with it when
 * it is missing. The launcher keeps V8's defaults: a long simulation amortises its warm-up, and its
 * bundle has far more to compile.
 */
const V8_OPTIONS = ["--single-threaded"];
if (!V8_OPTIONS.every((option) => process.execArgv.includes(option))) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...V8_OPTIONS, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  process.exit(child.status ?? 1);
}

const args = await yargs(hideBin(process.argv))
  .scriptName("npm run bench:kernel --")
  .usage("$0 [options]\n\nTimes the event kernel on SimPy's kernel benchmark and prints events per second.")
  .option("procs", { type: "number", default: 1000, describe: `processes (1 to ${PROCS_MAX})` })
  .option("events", {
    type: "number",
    default: 1_000_000,
    describe: `timeouts to fire in total (1 to ${EVENTS_MAX})`,
  })
  .option("seed", { type: "number", default: 1, describe: "root seed" })
  .option("cli-inlining", {
    type: "boolean",
    default: false,
    describe: "inline as the command line does (sim/bin/heapGrowth.js) rather than as V8 does by default",
  })
  .check(wholeNumbers({ procs: [1, PROCS_MAX], events: [1, EVENTS_MAX], seed: [0, Number.MAX_SAFE_INTEGER] }))
  .fail(usageFailure)
  .strict()
  .help()
  .parseAsync();

/**
 * V8's own inlining budget (bytecode inlined into one compilation, in all). The command line sets a
 * smaller one (sim/bin/heapGrowth.js, loaded before this script), which keeps V8's background threads
 * from holding on to memory over a whole run. This benchmark's loop is one chain of small calls (the
 * step, the draw, the queue's push, pop and peek) that only the default budget inlines whole: 1,000,000
 * events ran at a median 8.7 M/s with it and 7.6 M/s with the command line's, in 8 alternating runs. So
 * the kernel is measured with V8's default unless asked (`--cli-inlining`); V8 reads the budget as it
 * compiles, and nothing here has been optimised yet.
 */
const V8_INLINED_BYTECODE_MAX = 920;
if (!args.cliInlining)
  v8.setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${V8_INLINED_BYTECODE_MAX}`);

/** The world the processes share: the kernel, one random stream and the count of timeouts fired. */
interface World {
  scheduler: Scheduler;
  rng: Rng;
  fired: number;
  target: number;
}

/** One whole microsecond at least: a zero delay would be an event at the same instant, not a timeout. */
function delayUs(world: World): number {
  return Math.max(1, Math.round(exponential(world.rng, SECOND_US)));
}

/**
 * A process's step: one timeout has fired, so count it and wait for the next. Once the target is
 * reached every process stops; the ones still waiting then run once more and stop (SimPy's loop ends
 * at the target event instead), and those are not counted as timeouts fired.
 */
function step(world: World): void {
  if (world.fired >= world.target) return;
  world.fired++;
  if (world.fired < world.target) world.scheduler.after(delayUs(world), step, world);
}

const world: World = {
  scheduler: new Scheduler(),
  rng: new RngStreams(args.seed).stream("kernel-bench"),
  fired: 0,
  target: args.events,
};
const stopwatch = new Stopwatch();
const cpuBefore = process.cpuUsage();
// Every process takes its first timeout at time 0, as SimPy's do once started.
for (let p = 0; p < args.procs; p++) world.scheduler.after(delayUs(world), step, world);
const stats = await world.scheduler.run(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
const wallSeconds = stopwatch.elapsedSeconds();
const cpu = process.cpuUsage(cpuBefore);
// On a shared machine the process may wait for a core: CPU time is the steadier figure to compare.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const rssMiB = process.resourceUsage().maxRSS / 1024;
console.log(`cachesim kernel  node ${process.versions.node}`);
console.log(`processes        ${args.procs}`);
console.log(`seed             ${args.seed}`);
console.log(`inlining         ${args.cliInlining ? "the command line's budget" : "V8's default budget"}`);
console.log(`timeouts fired   ${world.fired}`);
console.log(`events run       ${stats.events}`);
console.log(`virtual time     ${(stats.endUs / SECOND_US).toFixed(3)} s`);
console.log(`wall seconds     ${wallSeconds.toFixed(3)}`);
console.log(`cpu seconds      ${cpuSeconds.toFixed(3)}`);
console.log(`events/s         ${Math.round(world.fired / wallSeconds).toLocaleString("en-US")}`);
console.log(`events/cpu s     ${Math.round(world.fired / cpuSeconds).toLocaleString("en-US")}`);
console.log(`peak RSS         ${rssMiB.toFixed(1)} MiB`);
