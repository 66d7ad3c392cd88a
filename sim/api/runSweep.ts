// Sweeps for the library: `cachesim sweep` (sim/sweep/), the same plan, validation, seeds and rows,
// with sweep.csv kept in memory unless `out` names a folder, and its rows handed back typed.
import { readFileSync } from "node:fs";
import path from "node:path";
import { jobsFrom } from "../commands/jobs.ts";
import { metricColumnNames } from "../metrics/columns.ts";
import { problemMessage, ScenarioError } from "../spec/errors.ts";
import { LocalExecutor } from "../sweep/localExecutor.ts";
import { prepareSweep, runSweep as runPreparedSweep } from "../sweep/runSweep.ts";
import { csvRows, type Metrics } from "./reportRows.ts";

/** A swept field's values: sweep syntax as after `--set PATH=` (`"1s,5s,30s"`, `"1s..60s*2"`) or a list. */
export type SweepValues = string | readonly (string | number | boolean)[];

export interface RunSweepOptions {
  /** The fields to vary, each an axis of the grid (in this order, the first varying slowest). */
  set?: Readonly<Record<string, SweepValues>>;
  /** The root seed, replacing the file's (as `--seed`). */
  seed?: number;
  /** Runs per point over derived seeds (seed, seed+1, ...); adds the mean and 95 % interval (`stats`). */
  seeds?: number;
  /** Points run at once on worker threads (default: the machine's cores); the rows are the same at any. */
  jobs?: number;
  /** Also write sweep.csv (and sweep-stats.csv) into this folder, as `cachesim sweep --out` does. */
  out?: string;
  /** With out: also write report.html and the charts as SVG (as `--html`). */
  html?: boolean;
  /** Called as each run finishes, with the runs done and the runs in all. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Stops the sweep: the points running stop within a few thousand events, nothing is written, and it
   * rejects with an error named SweepStopped whose `reason` is the signal's.
   */
  signal?: AbortSignal;
}

/** One row of sweep.csv: a point (and, with seeds, one of its seeds). */
export interface SweepRow extends Metrics {
  /** The swept fields' values as sweep.csv shows them, by field path. */
  readonly point: Readonly<Record<string, string>>;
  /** The run's root seed with `seeds`; null without. */
  readonly seed: number | null;
}

/** One row of sweep-stats.csv: a point's mean, or the half-width of its 95 % interval, of each metric. */
export interface SweepStatsRow extends Metrics {
  readonly point: Readonly<Record<string, string>>;
  readonly stat: "mean" | "ci95";
}

export interface SweepResult {
  /** sweep.csv, in its order. */
  readonly rows: readonly SweepRow[];
  /** sweep-stats.csv with `seeds`, else null. */
  readonly stats: readonly SweepStatsRow[] | null;
  readonly points: number;
  readonly runs: number;
  /** Simulation events over every run. */
  readonly events: number;
  /** Each report's CSV text by file name. */
  readonly csv: Readonly<Record<string, string>>;
  readonly outDir: string | null;
  /** The files written into outDir (none without it). */
  readonly files: readonly string[];
}

/** `--set` arguments from the library's `set`: the command line's syntax, so the same parser reads them. */
function setArguments(file: string, set: Readonly<Record<string, SweepValues>> | undefined): string[] {
  return Object.entries(set ?? {}).map(([path, values]) => {
    if (typeof values === "string") return `${path}=${values}`;
    const items = values.map(String);
    const bad = items.find((item) => item.includes(",") || item.trim() === "");
    if (bad !== undefined) {
      throw new ScenarioError([
        problemMessage(
          file,
          path,
          undefined,
          `set: a swept value cannot be empty or hold a comma, found ${JSON.stringify(bad)}`,
        ),
      ]);
    }
    return `${path}=${items.join(",")}`;
  });
}

export async function runSweep(file: string, options: RunSweepOptions = {}): Promise<SweepResult> {
  if (options.html === true && options.out === undefined) {
    throw new TypeError("runSweep: html needs out, the folder to write report.html into");
  }
  const jobs = jobsFrom(options.jobs);
  if (typeof jobs === "string") throw new RangeError(`runSweep: ${jobs.replace("--jobs", "jobs")}`);
  const prepared = prepareSweep({
    file,
    sets: setArguments(file, options.set),
    outDir: options.out ?? null,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
  });
  const executor = new LocalExecutor(Math.min(jobs, prepared.runs), options.signal);
  let result: Awaited<ReturnType<typeof runPreparedSweep>>;
  try {
    result = await runPreparedSweep(prepared, executor, options.onProgress);
  } finally {
    await executor.close();
  }
  const files = result.outDir === null ? [] : [...result.files];
  if (options.html === true && result.outDir !== null) {
    const { writeHtmlReport } = await import("../report/html/writeReport.ts");
    files.push(...(await writeHtmlReport(result.outDir)));
  }
  const csv: Record<string, string> = {};
  for (const name of result.files) {
    csv[name] = result.texts?.get(name) ?? readFileSync(path.join(result.outDir as string, name), "utf8");
  }
  const fields = prepared.plan.fields.map((f) => f.path);
  const metrics = metricColumnNames();
  const metricsOf = (record: Record<string, string>) =>
    Object.fromEntries(metrics.map((m) => [m, record[m] === "" ? null : Number(record[m])]));
  const pointOf = (record: Record<string, string>) =>
    Object.fromEntries(fields.map((f) => [f, record[f] ?? ""]));
  const rows = csvRows(csv["sweep.csv"] ?? "").map(
    (r) =>
      ({
        point: pointOf(r),
        seed: prepared.seeds === undefined ? null : Number(r.seed),
        ...metricsOf(r),
      }) as unknown as SweepRow,
  );
  const statsText = csv["sweep-stats.csv"];
  const stats =
    statsText === undefined
      ? null
      : csvRows(statsText).map(
          (r) => ({ point: pointOf(r), stat: r.stat, ...metricsOf(r) }) as unknown as SweepStatsRow,
        );
  return {
    rows,
    stats,
    points: result.points,
    runs: result.runs,
    events: result.events,
    csv,
    outDir: result.outDir,
    files,
  };
}
