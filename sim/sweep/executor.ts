// Where a sweep's points run. The sweep hands an executor its tasks in point order and gets each outcome
// back with the task's index; it stores rows by index, so completion order never reaches a report.
import type { PointOutcome, PointTask } from "./runPoint.ts";

export interface IndexedTask {
  /** Row index in sweep.csv (point index × seeds + seed index). */
  index: number;
  /** "point 3 of 12 (defaults.cache.ttl=5s)", for messages. */
  label: string;
  task: PointTask;
}

export interface Executor {
  /**
   * Runs every task, calling done() as each finishes, in any order. Rejects with PointFailedError on
   * the first failure, after the tasks already running have stopped, and with SweepStopped when close()
   * came first.
   */
  runAll(tasks: Iterable<IndexedTask>, done: (index: number, outcome: PointOutcome) => void): Promise<void>;
  /** Stops whatever is still running (a sweep that ended, failed or was interrupted) and lets go. */
  close(): Promise<void>;
}

/** A point failed for a reason of its own (a scenario or simulation problem): fails the whole sweep. */
export class PointFailedError extends Error {
  override readonly name = "PointFailedError";
  constructor(label: string, reason: string) {
    super(`sweep ${label} failed: ${reason}`);
  }
}

/**
 * The sweep was told to stop (Ctrl-C, or the library caller's AbortSignal) before its last point
 * finished: the points still running were stopped, and nothing was written.
 */
export class SweepStopped extends Error {
  override readonly name = "SweepStopped";
  constructor(readonly reason: unknown) {
    super("the sweep was stopped before its last point finished; nothing was written");
  }
}

export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
