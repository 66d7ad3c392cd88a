// Runs one sweep point and reduces it to its `total` summary row, so a sweep holds one short row per
// point however long each run is. The point travels as scenario text (not as a parsed object) so the
// same task runs in this process, on a worker thread, or on a queue worker on another machine.
import { metricCells } from "../metrics/columns.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario } from "../scenario/load.ts";
import type { Scenario } from "../sections/registry.ts";

export interface PointTask {
  /** The scenario file as the user named it (for messages). */
  file: string;
  /** The scenario text with the point's values set. */
  text: string;
  /** Root seed for this run (with --seeds: derived), or undefined for the file's own. */
  seed: number | undefined;
  /** Keep the point's full report in this folder; null: keep nothing (the reports stay in memory). */
  keepDir: string | null;
}

export interface PointOutcome {
  /** The `total` row of summary.csv, without its node column. */
  cells: string[];
  /** Simulation events, for progress and the console. */
  events: number;
}

/**
 * Scenarios already read from a task's text (the sweep's check of its points), by the task object: a
 * point run in the thread that checked it takes its scenario from here rather than reading its text
 * again (YAML and the schema, about 1.5 ms a point). A task sent to another thread or machine is a copy,
 * which finds nothing here and reads its text. Runs never change a scenario (every test passes with
 * them frozen), so one read serves both.
 */
const alreadyRead = new WeakMap<PointTask, Scenario>();

/** Records that `scenario` is what reading `task` gives (the same text, file and seed). */
export function readAlready(task: PointTask, scenario: Scenario): void {
  alreadyRead.set(task, scenario);
}

/** Runs a point; `signal` stops it within a few thousand events (it then rejects with a RunAborted). */
export async function runPoint(task: PointTask, signal?: AbortSignal): Promise<PointOutcome> {
  const read = alreadyRead.get(task);
  alreadyRead.delete(task);
  const loaded =
    read ??
    parseScenario(task.text, task.file, {
      ...knownNames(),
      ...(task.seed !== undefined ? { seedOverride: task.seed } : {}),
    });
  // A trace is held in memory until the run ends; a sweep that keeps no folders has no use for it.
  const scenario =
    task.keepDir === null ? { ...loaded, report: { ...loaded.report, trace: "never" as const } } : loaded;
  // A point that keeps no folder keeps its reports in memory (outDir null) while the run lasts: written
  // to a scratch folder and deleted, they cost each point a dozen file-system calls and their waits.
  const result = await runScenario(scenario, {
    outDir: task.keepDir,
    ...(signal !== undefined ? { signal } : {}),
  });
  const total = result.summary.at(-1);
  if (total === undefined) throw new Error("a run produced no summary rows");
  return { cells: metricCells(total.counters), events: result.stats.events };
}
