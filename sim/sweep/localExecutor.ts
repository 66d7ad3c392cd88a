// Runs points on this machine: in this thread with one job, else on a piscina pool of worker threads,
// one scenario per thread at a time. Tasks are submitted a few at a time, so memory holds a handful of
// scenario texts however many points the sweep has.
import type * as PiscinaModule from "piscina";
import type { Piscina } from "piscina";
import { keepBetweenRuns } from "../core/betweenRuns.ts";
import { eventLoopTurn } from "../core/eventLoopTurn.ts";
import { onFirstUse } from "../core/onFirstUse.ts";
import { type Executor, type IndexedTask, PointFailedError, reasonOf, SweepStopped } from "./executor.ts";
import { type PointOutcome, runPoint } from "./runPoint.ts";
import { StopSender } from "./stopLine.ts";

/** The worker pool is loaded only when a sweep runs with more than one job. */
const piscina = onFirstUse<typeof PiscinaModule>("piscina");

export class LocalExecutor implements Executor {
  private pool: Piscina | null = null;
  /**
   * Fires when the sweep is to stop: close(), or the caller's signal. A point running in this thread
   * watches it, so it stops within a few thousand events rather than at its end.
   */
  private readonly stopping = new AbortController();
  /** With a pool: how its threads' points are told to stop. */
  private stopSender: StopSender | null = null;
  /** The points under way, here or on the threads: close() waits for them to have cleaned up. */
  private readonly underWay = new Set<Promise<unknown>>();

  /** The caller's signal and what it calls, taken off again by close(). */
  private readonly watched: { signal: AbortSignal; onAbort: () => void } | null = null;

  /** `signal`: stops the sweep as close() does (a library caller's AbortSignal). */
  constructor(
    private readonly jobs: number,
    signal?: AbortSignal,
  ) {
    if (signal === undefined) return;
    if (signal.aborted) {
      this.stopping.abort(signal.reason);
      return;
    }
    const onAbort = () => void this.close(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.watched = { signal, onAbort };
  }

  async runAll(tasks: Iterable<IndexedTask>, done: (index: number, outcome: PointOutcome) => void) {
    const stopping = this.stopping.signal;
    if (stopping.aborted) throw new SweepStopped(stopping.reason);
    if (this.jobs === 1) {
      // Points one after another in this thread: each takes what the last one built for its sizes (worker
      // threads keep theirs in pointWorker.js). Let go when the sweep ends, so a library caller keeps
      // nothing.
      const release = keepBetweenRuns();
      try {
        for (const t of tasks) {
          if (stopping.aborted) throw new SweepStopped(stopping.reason);
          let outcome: PointOutcome;
          const point = runPoint(t.task, stopping);
          this.underWay.add(point);
          try {
            outcome = await point;
          } catch (error) {
            if (stopping.aborted) throw new SweepStopped(stopping.reason);
            throw new PointFailedError(t.label, reasonOf(error));
          } finally {
            this.underWay.delete(point);
          }
          done(t.index, outcome);
          // One turn of the event loop between points: the collector's tasks run there (without one, a
          // sweep of short points peaked several MiB higher), and so does a signal handler.
          await eventLoopTurn();
        }
      } finally {
        release();
      }
      return;
    }
    const pool = new (piscina().Piscina)({
      filename: new URL("./pointWorker.js", import.meta.url).href,
      minThreads: 1,
      maxThreads: this.jobs,
      // Each thread runs one point at a time; the window below keeps a little work queued.
      concurrentTasksPerWorker: 1,
    });
    this.pool = pool;
    const stopSender = new StopSender();
    this.stopSender = stopSender;
    const window = this.jobs * 2;
    const underWay = this.underWay;
    let failure: PointFailedError | null = null;
    for (const t of tasks) {
      if (failure !== null || stopping.aborted) break;
      const p: Promise<void> = pool
        .run({ task: t.task, stop: stopSender.line })
        .then(
          (outcome: PointOutcome) => {
            if (failure === null) done(t.index, outcome);
          },
          (error: unknown) => {
            if (failure !== null) return;
            failure = new PointFailedError(t.label, reasonOf(error));
            // The sweep has failed: the other points under way would be computed for nothing.
            stopSender.stop();
          },
        )
        .finally(() => underWay.delete(p));
      underWay.add(p);
      if (underWay.size >= window) await Promise.race(underWay);
    }
    await Promise.all(underWay);
    // Stopped: the points were told to, and failed for that reason alone.
    if (stopping.aborted) throw new SweepStopped(stopping.reason);
    if (failure !== null) throw failure;
  }

  /**
   * Stops the sweep if it is still running and lets go of the threads. Every point under way, here or on
   * a thread, stops at its next look at its signal and cleans up what it had begun to write (a kept
   * point's folder); this resolves once they all have, so a process may exit straight after.
   */
  async close(reason: unknown = "closed"): Promise<void> {
    if (!this.stopping.signal.aborted) this.stopping.abort(reason);
    this.watched?.signal.removeEventListener("abort", this.watched.onAbort);
    const pool = this.pool;
    this.pool = null;
    const stopSender = this.stopSender;
    this.stopSender = null;
    stopSender?.stop();
    await Promise.allSettled(this.underWay);
    stopSender?.close();
    if (pool !== null) await pool.destroy();
  }
}
