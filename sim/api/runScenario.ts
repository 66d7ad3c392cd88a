// Running a loaded scenario for the library: the command line's run (sim/runner.ts), with the reports
// kept in memory unless `out` names a folder, and handed back as typed rows read from the same CSV
// text the folder would hold.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { RunStats } from "../core/scheduler.ts";
import type { ExpectationResult } from "../metrics/expectations.ts";
import { SequenceLog } from "../metrics/sequenceLog.ts";
import { runScenario as run } from "../run/runner.ts";
import type { Scenario } from "../sections/registry.ts";
import { DEFAULTS } from "../spec/defaults.ts";
import { checkedSeed } from "./loadScenario.ts";
import {
  type Summary,
  summaryFrom,
  type TimeseriesRow,
  type TraceRow,
  timeseriesFrom,
  traceFrom,
} from "./reportRows.ts";

export interface RunScenarioOptions {
  /** The root seed for this run, replacing the scenario's. */
  seed?: number;
  /** Keep every operation in trace.csv (as `--trace`); by default only scripted workloads are traced. */
  trace?: boolean;
  /**
   * Also write the reports into this folder, as `cachesim run --out` does (the folder is replaced as a
   * whole when the run succeeds). Without it nothing is written anywhere.
   */
  out?: string;
  /**
   * With out: also write report.html and the charts as SVG (as `--html`), with the page's header, its
   * expectations and, for a run of at most `sequenceRowsMax` trace rows, its sequence diagram.
   */
  html?: boolean;
  /** With html: draw the sequence diagram for runs of at most this many trace rows. */
  sequenceRowsMax?: number;
  /** With html: the command the page shows as the way to reproduce the run. */
  command?: string;
  /** Stops the run: it rejects with an error saying so, writes nothing, and closes the backends. */
  signal?: AbortSignal;
  /** Called at each report interval with the virtual time reached and the requests started so far. */
  onProgress?: (virtualUs: number, requests: number) => void;
}

export interface Expectations {
  /** Every expectation of the scenario was met (true when it has none). */
  readonly passed: boolean;
  readonly met: readonly ExpectationResult[];
  readonly failed: readonly ExpectationResult[];
  /** All of them, in the scenario's order. */
  readonly all: readonly ExpectationResult[];
}

export interface RunResult {
  readonly scenario: { readonly name: string; readonly file: string; readonly seed: number };
  /** summary.csv. */
  readonly summary: Summary;
  /** timeseries.csv, in the CSV's order (interval by interval, node by node). */
  readonly timeseries: readonly TimeseriesRow[];
  /** trace.csv when the run was traced, else null. */
  readonly trace: readonly TraceRow[] | null;
  readonly expectations: Expectations;
  /** Virtual time reached, why the run ended, events processed. */
  readonly stats: RunStats;
  /** Every report's CSV text by file name (summary.csv, timeseries.csv, and database.csv, ... if any). */
  readonly csv: Readonly<Record<string, string>>;
  /** The report folder (out), or null when nothing was written. */
  readonly outDir: string | null;
  /** The files written into outDir (none without it). */
  readonly files: readonly string[];
  /** The backends the run used, in words without secrets (`ioredis-mock`, `redis://host:6379/0`). */
  readonly backends: { readonly cache: string; readonly records: string };
}

export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<RunResult> {
  if (options.html === true && options.out === undefined) {
    throw new TypeError("runScenario: html needs out, the folder to write report.html into");
  }
  const seeded =
    options.seed === undefined ? scenario : { ...scenario, seed: checkedSeed(scenario.file, options.seed) };
  const traced =
    options.trace === true ? { ...seeded, report: { ...seeded.report, trace: "always" as const } } : seeded;
  const outDir = options.out ?? null;
  // Only a run that makes its page keeps its messages, for the sequence diagram.
  const sequence =
    options.html === true ? new SequenceLog(DEFAULTS.htmlReport.sequenceMessagesMax) : undefined;
  const result = await run(traced, {
    outDir,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
    ...(sequence !== undefined ? { sequence } : {}),
  });
  const files = outDir === null ? [] : [...result.files];
  if (options.html === true && outDir !== null) {
    const { writeHtmlReport } = await import("../report/html/writeReport.ts");
    const info = {
      name: traced.name,
      description: traced.description,
      file: traced.file,
      seed: traced.seed,
      strategy: traced.strategy.name,
      backend: `${traced.backend.mode} (${result.backends.cache}; ${result.backends.records})`,
      command: options.command ?? `cachesim run ${traced.file} --seed ${traced.seed} --html`,
      expectations: result.expectations,
    };
    files.push(
      ...(await writeHtmlReport(outDir, undefined, {
        info,
        sequence,
        sequenceRowsMax: options.sequenceRowsMax ?? DEFAULTS.htmlReport.sequenceRowsMax,
      })),
    );
  }
  const texts = result.texts;
  // Rows are made when first asked for: a long run's timeseries is not parsed for a test that reads
  // its summary. With out, the folder's files are read then (they hold the same bytes).
  const text = (name: string): string =>
    texts !== null ? (texts.get(name) as string) : readFileSync(path.join(outDir as string, name), "utf8");
  const made = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as T;
  };
  const all = result.expectations;
  return {
    scenario: { name: traced.name, file: traced.file, seed: traced.seed },
    get summary() {
      return once("summary", () => summaryFrom(text("summary.csv")));
    },
    get timeseries() {
      return once("timeseries", () => timeseriesFrom(text("timeseries.csv")));
    },
    get trace() {
      return result.files.includes("trace.csv") ? once("trace", () => traceFrom(text("trace.csv"))) : null;
    },
    expectations: {
      passed: all.every((e) => e.passed),
      met: all.filter((e) => e.passed),
      failed: all.filter((e) => !e.passed),
      all,
    },
    stats: result.stats,
    get csv() {
      return once("csv", () => Object.fromEntries(result.files.map((name) => [name, text(name)])));
    },
    outDir,
    files,
    backends: result.backends,
  };
}
