// `cachesim sweep <scenario> --set path=values ...`: runs a scenario over a grid of field values and
// writes sweep.csv (and sweep-stats.csv with --seeds), optionally report.html with charts.
import path from "node:path";
import type { CommandModule } from "yargs";
import { SweepProgress } from "../progress/progressBar.ts";
import type { RunInfo } from "../report/html/reportData.ts";
import { Stopwatch } from "../report/stopwatch.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario } from "../scenario/load.ts";
import { ScenarioError } from "../spec/errors.ts";
import { type Executor, PointFailedError, SweepStopped } from "../sweep/executor.ts";
import { LocalExecutor } from "../sweep/localExecutor.ts";
import { type PreparedSweep, prepareSweep, runSweep } from "../sweep/runSweep.ts";
import { jobsFrom } from "./jobs.ts";
import { shellQuote } from "./shellQuote.ts";

interface SweepArgs {
  scenario: string;
  set: string[];
  seeds?: number;
  seed?: number;
  jobs?: number;
  out?: string;
  "keep-points"?: string;
  queue?: string;
  "queue-name"?: string;
  html: boolean;
  quiet: boolean;
}

export function sweepCommand(setExitCode: (code: number) => void): CommandModule<object, SweepArgs> {
  return {
    command: "sweep <scenario>",
    describe: "run a scenario over a grid of field values; writes sweep.csv (one row per point)",
    builder: (y) =>
      y
        .positional("scenario", { type: "string", demandOption: true, describe: "a scenario YAML file" })
        .option("set", {
          type: "string",
          array: true,
          default: [],
          describe:
            "path=values: a list (defaults.cache.ttl=1s,5s,30s) or a range (1s..60s*2, 0.5..0.99+0.05); several make a grid",
        })
        .option("seeds", {
          type: "number",
          describe: "runs per point over derived seeds (seed, seed+1, ...): adds mean and 95 % CI",
        })
        .option("seed", { type: "number", describe: "root seed, replacing the scenario's own" })
        .option("jobs", {
          type: "number",
          describe: "points run at once on worker threads (default: the machine's cores)",
        })
        .option("out", { type: "string", describe: "report folder (default: reports/<scenario name>-sweep)" })
        .option("keep-points", {
          type: "string",
          describe: "keep every point's full report in this folder (point-0001, ...)",
        })
        .option("queue", {
          type: "string",
          describe: "run the points on `cachesim worker` processes through this Redis (redis://host:port/db)",
        })
        .option("queue-name", { type: "string", describe: "queue name (default cachesim-sweep)" })
        .option("html", {
          type: "boolean",
          default: false,
          describe: "also write report.html and the charts as SVG",
        })
        .option("quiet", {
          type: "boolean",
          default: false,
          describe: "print only failures; no progress",
        }) as never,
    handler: async (args) => {
      setExitCode(await sweep(args));
    },
  };
}

async function sweep(args: SweepArgs): Promise<number> {
  const say = (line: string) => {
    if (!args.quiet) console.log(line);
  };
  try {
    const jobs = jobsFrom(args.jobs);
    if (typeof jobs === "string") {
      console.error(`cachesim sweep: ${jobs}`);
      return 2;
    }
    if (args.queue !== undefined && args["keep-points"] !== undefined) {
      console.error(
        "cachesim sweep: --keep-points writes folders where a point runs; it cannot be used with --queue",
      );
      return 2;
    }
    const prepared = prepareSweep({
      file: args.scenario,
      sets: args.set,
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.seeds !== undefined ? { seeds: args.seeds } : {}),
      ...(args.out !== undefined ? { outDir: args.out } : {}),
      ...(args["keep-points"] !== undefined ? { keepPointsDir: args["keep-points"] } : {}),
    });
    let executor: Executor;
    if (args.queue !== undefined) {
      const { QueueExecutor } = await import("../sweep/queue/queueExecutor.ts");
      executor = await QueueExecutor.connect(args.queue, args["queue-name"]);
    } else {
      executor = new LocalExecutor(Math.min(jobs, prepared.runs));
    }
    const where =
      args.queue !== undefined ? "on the queue's workers" : `on ${Math.min(jobs, prepared.runs)} thread(s)`;
    say(
      `cachesim: sweeping ${prepared.file} over ${prepared.plan.fields.map((f) => f.path).join(", ")}: ` +
        `${prepared.plan.pointCount} points${prepared.seeds !== undefined ? ` x ${prepared.seeds} seeds` : ""}, ${where}`,
    );
    if (args.queue !== undefined) {
      say(
        `points go to queue ${args["queue-name"] ?? "cachesim-sweep"}; run \`cachesim worker --queue <the same URL>` +
          `${args["queue-name"] !== undefined ? ` --queue-name ${args["queue-name"]}` : ""}\` on any machine to work on them`,
      );
    }
    const stopwatch = new Stopwatch();
    const progress = new SweepProgress(prepared.runs, { quiet: args.quiet });
    // Stopped by the user: take the sweep's waiting points off the queue (or stop the threads, and the
    // point running in this one) first.
    let stoppedBy: NodeJS.Signals | null = null;
    let sweeping: ReturnType<typeof runSweep> | null = null;
    const exitCodeOf = (signal: NodeJS.Signals) => (signal === "SIGINT" ? 130 : 143);
    const interrupted = (signal: NodeJS.Signals) => {
      stoppedBy = signal;
      progress.stop();
      console.error(`cachesim: sweep stopped (${signal}); nothing written`);
      // The points under way stop (on this machine) or are taken off the queue, the sweep then
      // removes its own folders, and the process leaves once all that is done.
      const cleanedUp = sweeping !== null ? sweeping.catch(() => {}) : null;
      void executor
        .close()
        .then(() => cleanedUp)
        .finally(() => process.exit(exitCodeOf(signal)));
    };
    process.once("SIGINT", interrupted);
    process.once("SIGTERM", interrupted);
    let result: Awaited<ReturnType<typeof runSweep>>;
    try {
      sweeping = runSweep(prepared, executor, (done) => progress.update(done));
      result = await sweeping;
    } catch (error) {
      // The handler above has said so and exits with the signal's code once the executor has closed.
      if (error instanceof SweepStopped && stoppedBy !== null) return exitCodeOf(stoppedBy);
      throw error;
    } finally {
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
      progress.stop();
      await executor.close();
    }
    const files = [...result.files];
    const outDir = result.outDir;
    // --out or the default folder: only the library keeps a sweep in memory.
    if (outDir === null) throw new Error("a sweep from the command line had no report folder");
    if (args.html) {
      const { writeHtmlReport } = await import("../report/html/writeReport.ts");
      files.push(...(await writeHtmlReport(outDir, undefined, { info: sweepInfo(prepared, args) })));
    }
    say(`${result.runs} runs, ${result.events} events, ${stopwatch.elapsedSeconds().toFixed(2)}s wall clock`);
    say(`reports: ${files.map((f) => path.join(outDir, f)).join(", ")}`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      console.error(error.message);
      return 2;
    }
    if (
      error instanceof PointFailedError ||
      (error instanceof Error && ["OutputDirError", "QueueError", "ReportError"].includes(error.name))
    ) {
      console.error(`cachesim: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The sweep page's header: the swept scenario's name, description and strategy, and the command again. */
function sweepInfo(prepared: PreparedSweep, args: SweepArgs): RunInfo {
  const base = parseScenario(prepared.text, prepared.file, knownNames());
  const words = [
    "cachesim sweep",
    shellQuote(prepared.file),
    ...args.set.flatMap((s) => ["--set", shellQuote(s)]),
    ...(args.seed !== undefined ? ["--seed", String(args.seed)] : []),
    ...(args.seeds !== undefined ? ["--seeds", String(args.seeds)] : []),
    "--html",
  ];
  return {
    name: base.name,
    description: base.description,
    file: prepared.file,
    seed: prepared.pointSeeds[0] ?? base.seed,
    strategy: base.strategy.name,
    backend: base.backend.mode,
    command: words.join(" "),
    expectations: [],
  };
}
