// Runs one sweep point and reduces it to its `total` summary row, so a sweep holds one short row per
// point however long each run is. The point travels as scenario text (not as a parsed object) so the
// same task runs in this process, on a worker thread, or on a queue worker on another machine.
import { metricCells } from "../metrics/columns.ts";
import { runScenario } from "../run/runner.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { parseScenario } from "../scenario/load.ts";

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

/** Runs a point; `signal` stops it within a few thousand events (it then rejects with a RunAborted). */
export async function runPoint(task: PointTask, signal?: AbortSignal): Promise<PointOutcome> {
  const loaded = parseScenario(task.text, task.file, {
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
