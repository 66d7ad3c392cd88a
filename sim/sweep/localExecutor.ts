// Runs points on this machine: in this thread, and with more than one job on a piscina pool of worker
// threads beside it, one scenario per thread at a time. A point's text is made when a thread is free to
// run it, so memory holds a handful of scenario texts however many points the sweep has.
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
    // The points of this thread take what the last one built for their sizes (worker threads keep
    // theirs in pointWorker.js); let go when the sweep ends, so a library caller keeps nothing.
    const release = keepBetweenRuns();
    try {
      await this.runLanes(tasks[Symbol.iterator](), done);
    } finally {
      release();
    }
    if (stopping.aborted) throw new SweepStopped(stopping.reason);
  }

  /**
   * Runs the points in `jobs` lanes that each take the next point as soon as they are free: this thread
   * is one, and each of the others is a worker thread. This thread runs points as well because a thread
   * has to load the program and warm it up before its first point, which is most of a short point's
   * time: on two cores, 60 points of 10 requests took 1.73 s on two threads and 1.23 s on this one
   * and one thread.
   * The pool is made when there is a second point, so a one-point sweep starts no thread. A thread's
   * lane takes its first point only once the thread is ready (its program loaded, SQLite compiled):
   * a point handed to a thread still starting would wait for it, and a sweep whose points this thread
   * finishes first would wait too, for nothing. A sweep of 60 ten-request points took 0.91 s at
   * `--jobs 2` against 0.62 s at `--jobs 1` while the first point waited, and 0.69 s since.
   */
  private async runLanes(
    remaining: Iterator<IndexedTask>,
    done: (index: number, outcome: PointOutcome) => void,
  ): Promise<void> {
    const stopping = this.stopping.signal;
    // Fires when a point fails; this thread's points stop on it or on the sweep's stop, whichever first.
    const halt = new AbortController();
    const hereSignal = AbortSignal.any([stopping, halt.signal]);
    let failure: Error | null = null;
    const fail = (error: Error) => {
      if (failure !== null || stopping.aborted) return;
      failure = error;
      // The sweep has failed: the other points under way would be computed for nothing.
      halt.abort(error);
      this.stopSender?.stop();
    };
    // Settles once no lane will take another point: a thread still starting is then not waited for.
    let allTaken!: () => void;
    const noneLeft = new Promise<void>((resolve) => {
      allTaken = resolve;
    });
    // One point read ahead, by a lane that asked whether any is left (undefined: the iterator is done).
    let ahead: { task: IndexedTask | undefined } | null = null;
    const pull = (): IndexedTask | undefined => {
      if (failure !== null || stopping.aborted) return undefined;
      try {
        const step = remaining.next();
        return step.done ? undefined : step.value;
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return undefined;
      }
    };
    const next = (): IndexedTask | undefined => {
      let t: IndexedTask | undefined;
      if (ahead !== null) {
        t = failure !== null || stopping.aborted ? undefined : ahead.task;
        ahead = null;
      } else t = pull();
      if (t === undefined) allTaken();
      return t;
    };
    const anyLeft = (): boolean => {
      ahead ??= { task: pull() };
      if (ahead.task === undefined) allTaken();
      return ahead.task !== undefined;
    };
    const track = async (t: IndexedTask, point: Promise<PointOutcome>): Promise<void> => {
      this.underWay.add(point);
      try {
        const outcome = await point;
        if (failure === null) done(t.index, outcome);
      } catch (error) {
        // A point stopped with the sweep failed for that reason alone.
        if (!stopping.aborted) fail(new PointFailedError(t.label, reasonOf(error)));
      } finally {
        this.underWay.delete(point);
      }
    };
    const here = async (): Promise<void> => {
      for (let t = next(); t !== undefined; t = next()) {
        await track(t, runPoint(t.task, hereSignal));
        // One turn of the event loop between points: the collector's tasks run there (without one, a
        // sweep of short points peaked several MiB higher), and so do a signal handler and the threads'
        // answers.
        await eventLoopTurn();
      }
    };
    const onThread = async (): Promise<void> => {
      if (!anyLeft()) return;
      const pool = this.pool ?? this.openPool();
      const ready = pool.run({ ready: true });
      const started = await Promise.race([ready.then(() => true), noneLeft.then(() => false)]).catch(
        (error: unknown) => {
          // A thread that cannot start fails the sweep as a point on it would; one ended by close() not.
          if (!stopping.aborted) fail(new Error(`a worker thread did not start: ${reasonOf(error)}`));
          return false;
        },
      );
      // Left starting when the points ran out: close() ends it (the race above has handled its answer).
      if (!started) return;
      for (let t = next(); t !== undefined; t = next()) {
        const stop = (this.stopSender as StopSender).line;
        await track(t, pool.run({ task: t.task, stop }));
      }
    };
    // This thread's lane first, so that it takes the first point and a one-point sweep opens no pool.
    const lanes = [here()];
    for (let i = 1; i < this.jobs; i++) lanes.push(onThread());
    await Promise.all(lanes);
    if (failure !== null && !stopping.aborted) throw failure;
  }

  /** The worker threads, jobs − 1 of them at most, with their stop line. */
  private openPool(): Piscina {
    const pool = new (piscina().Piscina)({
      filename: new URL("./pointWorker.js", import.meta.url).href,
      minThreads: 1,
      maxThreads: this.jobs - 1,
      // Each thread runs one point at a time, and a lane hands it the next only once it is free, so no
      // point waits in a thread's queue while another lane could run it.
      concurrentTasksPerWorker: 1,
    });
    this.pool = pool;
    this.stopSender = new StopSender();
    return pool;
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
