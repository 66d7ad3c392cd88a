// The command-line front end. User mistakes (a bad scenario, a missing file, an unreachable server)
// print a message and exit non-zero; only a bug in cachesim shows a stack trace.
import { readFileSync } from "node:fs";
import path from "node:path";
import { type RunResult as LibraryRunResult, runScenario as runLibraryScenario } from "./api/runScenario.ts";
import { mrcCommand } from "./commands/mrc.ts";
import { reportCommand } from "./commands/report.ts";
import { SEQUENCE_ROWS_OPTION, sequenceRowsFrom } from "./commands/sequenceRows.ts";
import { shellQuote } from "./commands/shellQuote.ts";
import { sweepCommand } from "./commands/sweep.ts";
import { workerCommand } from "./commands/worker.ts";
import { importPackage } from "./core/importPackage.ts";
import { SimulationError } from "./core/scheduler.ts";
import { CODE_CACHE_STATE } from "./core/v8CodeCache.ts";
import { METRIC_COLUMNS } from "./metrics/columns.ts";
import { latencyModelsText } from "./model/latency/describe.ts";
import { RunProgress } from "./progress/progressBar.ts";
import { runCompare } from "./report/compareCommand.ts";
import { OutputDirError } from "./report/outputDir.ts";
import { Stopwatch } from "./report/stopwatch.ts";
import { renderTable } from "./report/table.ts";
import { stoppedRun, withStopSignals } from "./run/runSignals.ts";
import { knownNames } from "./scenario/knownNames.ts";
import { loadScenario } from "./scenario/load.ts";
import { formatCount, formatProblem, quote, ScenarioError } from "./spec/errors.ts";
import { describeCatalogue } from "./strategies/describe.ts";

/** Exit codes, documented in the README. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;

/** A mistake in the command line itself (unknown option, missing argument). */
class UsageError extends Error {}

function isUserError(error: unknown): error is Error {
  return (
    error instanceof ScenarioError ||
    error instanceof SimulationError ||
    error instanceof OutputDirError ||
    (error instanceof Error && error.name === "BackendError")
  );
}

/** Nodes shown side by side in the console; summary.csv always has them all. */
const TABLE_NODES_MAX = 8;

/**
 * The summary with one column per node (and the total), one row per metric: fits a terminal. Its cells
 * are summary.csv's own, so the console shows exactly what the file holds. Its cells never need CSV
 * quoting (node names are plain words, metrics are numbers or empty), so a split reads it exactly.
 */
function summaryTable(summaryCsv: string): string {
  const [header = [], ...lines] = summaryCsv
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(","));
  const total = lines.at(-1);
  const nodes = lines.slice(0, -1);
  const shown = [...nodes.slice(0, TABLE_NODES_MAX), ...(total ? [total] : [])];
  const rows = METRIC_COLUMNS.filter((c) => c.inTable).map((c) => {
    const at = header.indexOf(c.name);
    return [c.name, ...shown.map((row) => row[at] ?? "")];
  });
  const more =
    nodes.length > TABLE_NODES_MAX ? `\n(${nodes.length - TABLE_NODES_MAX} more nodes in summary.csv)` : "";
  return renderTable(["metric", ...shown.map((row) => row[0] ?? "")], rows) + more;
}

const SEED_EXPECTED = `an integer from 0 to ${formatCount(Number.MAX_SAFE_INTEGER)}`;

/** `--seed` as written: digits only, so `--seed=` or `--seed 1e3` is refused instead of becoming 0 or 1000. */
function parseSeed(written: unknown): number | undefined {
  if (written === undefined) return undefined;
  if (Array.isArray(written)) throw new UsageError(`--seed: expected one seed, found ${written.length}`);
  const text = String(written);
  const seed = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed: expected ${SEED_EXPECTED}, found ${quote(text)}`);
  }
  return seed;
}

/** Flags that are on or off. yargs would read `--trace=maybe` as off; it is a mistake, so say so. */
const BOOLEAN_FLAGS = ["live", "trace", "quiet"];

function checkBooleanFlags(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    const match = /^--(?:no-)?([A-Za-z-]+)=(.*)$/s.exec(arg);
    if (match === null || !BOOLEAN_FLAGS.includes(match[1] as string)) continue;
    if (match[2] !== "true" && match[2] !== "false") {
      throw new UsageError(
        `--${match[1]}: expected true or false (or the bare flag --${match[1]}), found ${quote(match[2] as string)}`,
      );
    }
  }
}

async function runCommand(args: {
  scenario: string;
  seed?: unknown;
  out?: string;
  live: boolean;
  trace: boolean;
  quiet: boolean;
  html: boolean;
  sequenceRows: string;
}) {
  const seed = parseSeed(args.seed);
  const sequenceRows = sequenceRowsFrom(args.sequenceRows);
  if (typeof sequenceRows === "string") throw new UsageError(sequenceRows);
  const scenario = loadScenario(args.scenario, {
    ...knownNames(),
    ...(seed !== undefined ? { seedOverride: seed } : {}),
    // Printed even with --quiet: a field that does nothing is a mistake the user wants to hear of.
    onWarning: (w) => console.error(`warning: ${formatProblem(w)}`),
    ...(args.live ? { modeOverride: "live" as const } : {}),
    ...(args.trace ? { traceOverride: "always" as const } : {}),
  });
  const outDir = args.out ?? path.join("reports", scenario.name);
  const say = (line: string) => {
    if (!args.quiet) console.log(line);
  };
  say(
    `cachesim: running ${scenario.file} (strategy ${scenario.strategy.name}, seed ${scenario.seed}, ${scenario.backend.mode} backends)`,
  );
  // Wall-clock time goes to the console only; reports hold nothing that varies between runs.
  const stopwatch = new Stopwatch();
  const progress = new RunProgress(scenario.durationUs, { quiet: args.quiet });
  const reproduce = `cachesim run ${shellQuote(scenario.file)} --seed ${scenario.seed}${scenario.backend.mode === "live" ? " --live" : ""}${args.trace ? " --trace" : ""}`;
  // The run itself is the library's (sim/index.ts): the same call a test suite makes.
  let result: LibraryRunResult;
  try {
    result = await withStopSignals((signal) =>
      runLibraryScenario(scenario, {
        out: outDir,
        signal,
        onProgress: (us, requests) => progress.update(us, requests),
        ...(args.html ? { html: true, command: `${reproduce} --html`, sequenceRowsMax: sequenceRows } : {}),
      }),
    );
  } finally {
    progress.stop();
  }
  const wallSeconds = stopwatch.elapsedSeconds();
  if (scenario.backend.mode === "live") say(`backends: ${result.backends.cache}; ${result.backends.records}`);

  say("");
  // Drawn only to be shown: a table of every column costs tens of milliseconds of text measuring.
  if (!args.quiet) say(summaryTable(readFileSync(path.join(outDir, "summary.csv"), "utf8")));
  say("");
  say(
    `virtual time ${result.stats.endUs}us (${result.stats.endReason === "idle" ? "no work left" : "scenario duration"}), ` +
      `${result.stats.events} events, ${wallSeconds.toFixed(2)}s wall clock`,
  );
  say(`reports: ${result.files.map((f) => path.join(outDir, f)).join(", ")}`);
  say(`reproduce: ${reproduce}`);
  let failed = 0;
  const expectations = result.expectations.all;
  if (expectations.length > 0) {
    say("");
    say("expectations:");
    for (const e of expectations) {
      if (!e.passed) failed++;
      // Failures are printed even with --quiet: they are why the exit code is non-zero.
      const line = e.passed
        ? `  ok    ${e.path}: ${e.description}`
        : `  FAIL  ${e.path}: ${e.description}; found ${e.found}`;
      if (e.passed) say(line);
      else console.log(line);
    }
    say(
      failed === 0
        ? `all ${expectations.length} expectations met`
        : `${failed} of ${expectations.length} expectations not met`,
    );
  }
  return failed > 0 ? EXIT_FAILED : EXIT_OK;
}

/** The part of yargs' internals keepHelpUnrendered reaches (yargs 18's usage.js; not in its types). */
interface YargsUsageInternals {
  getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } };
}

/**
 * yargs renders a command's whole help text each time the command runs (command.js calls
 * `cacheHelpMessage` as the handler starts), to have it if the command fails later. Ours never shows
 * help once a command has started: the `.fail` handler rethrows a command's errors without it, and help
 * is shown only for a bad command line, which fails before any command runs. The rendering, which
 * measures every cell with string-width and so segments it with ICU (lazySegmenters.ts), was about 50 ms
 * of every start and 3 MiB of a short run's peak, for text nobody reads. `--help` renders as before.
 */
function keepHelpUnrendered(parser: unknown): void {
  const usage = (parser as YargsUsageInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}

async function main(): Promise<number> {
  // Imported rather than required: the compiled command line is CommonJS (v8CodeCache.ts says why), and
  // yargs an ES module, which main.ts has loaded already.
  const { default: yargs } = await importPackage<typeof import("yargs")>("yargs");
  const { hideBin } = await importPackage<typeof import("yargs/helpers")>("yargs/helpers");
  let exitCode = EXIT_OK;
  // Commands under sim/commands/ report their exit code through this.
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  checkBooleanFlags(hideBin(process.argv));
  const parser = yargs(hideBin(process.argv))
    .scriptName("cachesim")
    .usage("$0 <command> [options]\n\nA deterministic discrete-event simulator of caching strategies.")
    .command(
      "run <scenario>",
      "run a scenario file and write summary.csv, timeseries.csv (and trace.csv) reports",
      (y) =>
        y
          .positional("scenario", { type: "string", demandOption: true, describe: "a scenario YAML file" })
          // A string, checked by parseSeed: yargs would turn `--seed=` into 0.
          .option("seed", { type: "string", describe: "root seed, replacing the scenario's own" })
          .option("out", { type: "string", describe: "report folder (default: reports/<scenario name>)" })
          .option("live", {
            type: "boolean",
            default: false,
            describe: "use the real Redis and SQLite configured in .env",
          })
          .option("trace", {
            type: "boolean",
            default: false,
            describe: "write trace.csv for generated workloads too (up to limits.traceRows rows)",
          })
          .option("html", {
            type: "boolean",
            default: false,
            describe: "also write report.html and the charts as SVG (and run.json, sequence.csv)",
          })
          .option("sequence-rows", {
            ...SEQUENCE_ROWS_OPTION,
            describe: `with --html: ${SEQUENCE_ROWS_OPTION.describe}`,
          })
          .option("quiet", { type: "boolean", default: false, describe: "print only failures; no progress" })
          .epilog(latencyModelsText()),
      async (a) => {
        exitCode = await runCommand({
          html: a.html,
          sequenceRows: a["sequence-rows"],
          scenario: a.scenario,
          seed: a.seed,
          out: a.out,
          live: a.live,
          trace: a.trace,
          quiet: a.quiet,
        });
      },
    )
    .command(
      "compare <a> <b>",
      "compare two CSV reports; exits 1 when a metric differs beyond the tolerance",
      (y) =>
        y
          .positional("a", { type: "string", demandOption: true, describe: "the reference CSV" })
          .positional("b", { type: "string", demandOption: true, describe: "the CSV to check" })
          .option("tolerance", {
            type: "number",
            default: 0,
            describe: "relative tolerance, e.g. 0.05 for 5 %",
          })
          .option("abs-tolerance", { type: "number", default: 0, describe: "absolute tolerance" }),
      async (a) => {
        exitCode = await runCompare(a.a, a.b, { tolerance: a.tolerance, absTolerance: a["abs-tolerance"] });
      },
    )
    .command(
      "doctor",
      "check the live backends configured in the environment and .env",
      () => {},
      async () => {
        const { BUILD_STATE_KEY, runDoctor } = await import("./backends/live/doctor.ts");
        const launched = globalThis as Record<symbol, unknown>;
        const build = launched[BUILD_STATE_KEY];
        const codeCache = launched[CODE_CACHE_STATE];
        exitCode = await runDoctor(process.env, (line) => console.log(line), {
          ...(typeof build === "string" ? { build } : {}),
          ...(typeof codeCache === "string" ? { codeCache } : {}),
        });
      },
    )
    .command(
      "strategies",
      "list the strategies a scenario can name",
      () => {},
      () => {
        console.log(describeCatalogue());
      },
    )
    .command(sweepCommand(setExitCode))
    .command(workerCommand(setExitCode))
    .command(reportCommand(setExitCode))
    .command(mrcCommand(setExitCode))
    .demandCommand(1, "name a command: run, compare, doctor or strategies")
    .strict()
    .help()
    .alias("h", "help")
    .version()
    .fail((message, error, y) => {
      if (error) throw error;
      // Throwing stops yargs before any command runs: a bad command line must change nothing.
      y.showHelp();
      throw new UsageError(message);
    })
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  keepHelpUnrendered(parser);
  await parser.parseAsync();
  return exitCode;
}

/** What a `cachesim mrc --jobs` worker thread runs, from this bundle when compiled (commands/mrcWorker.js). */
export * as mrcThread from "./commands/mrcPoint.ts";
/**
 * What a sweep's worker thread runs, from this bundle when compiled (sweep/pointWorker.js): one copy of
 * the program on disk, with a code cache of its own for the thread.
 */
export * as pointThread from "./sweep/pointThread.ts";

/** Runs the command line in process.argv and sets process.exitCode; main.ts calls it. */
export async function runCli(): Promise<void> {
  // A closed pipe (`cachesim run … | head`) is the reader's choice, not an error worth a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    process.exitCode = await main();
  } catch (error) {
    reportFailure(error);
  }
}

/** How a command that threw ends: a user's mistake prints its message; anything else is a bug. */
function reportFailure(error: unknown): void {
  const stopped = stoppedRun(error);
  if (stopped !== undefined) {
    console.error(stopped.message);
    process.exitCode = stopped.exitCode;
  } else if (error instanceof OutputDirError) {
    // A bad --out is bad input; a full disk or an I/O error is the environment's.
    console.error(`cachesim: ${error.message}`);
    process.exitCode = error.kind === "input" ? EXIT_BAD_INPUT : EXIT_FAILED;
  } else if (error instanceof ScenarioError) {
    console.error(error.message);
    process.exitCode = EXIT_BAD_INPUT;
  } else if (error instanceof UsageError) {
    console.error(`\ncachesim: ${error.message}`);
    process.exitCode = EXIT_BAD_INPUT;
  } else if (isUserError(error)) {
    console.error(`cachesim: ${error.message}`);
    process.exitCode = EXIT_FAILED;
  } else {
    throw error;
  }
}
