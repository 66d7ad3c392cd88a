// Runs points on this machine: in this thread with one job, else on a piscina pool of worker threads,
// one scenario per thread at a time. Tasks are submitted a few at a time, so memory holds a handful of
// scenario texts however many points the sweep has.
import type * as PiscinaModule from "piscina";
import type { Piscina } from "piscina";
import { keepBetweenRuns } from "../core/betweenRuns.ts";
import { eventLoopTurn } from "../core/eventLoopTurn.ts";
import { onFirstUse } from "../core/onFirstUse.ts";
import { type Executor, type IndexedTask, PointFailedError, reasonOf } from "./executor.ts";
import { type PointOutcome, runPoint } from "./runPoint.ts";

/** The worker pool is loaded only when a sweep runs with more than one job. */
const piscina = onFirstUse<typeof PiscinaModule>("piscina");

export class LocalExecutor implements Executor {
  private pool: Piscina | null = null;

  constructor(private readonly jobs: number) {}

  async runAll(tasks: Iterable<IndexedTask>, done: (index: number, outcome: PointOutcome) => void) {
    if (this.jobs === 1) {
      // Points one after another in this thread: each takes what the last one built for its sizes (worker
      // threads keep theirs in pointWorker.js). Let go when the sweep ends, so a library caller keeps
      // nothing.
      const release = keepBetweenRuns();
      try {
        for (const t of tasks) {
          let outcome: PointOutcome;
          try {
            outcome = await runPoint(t.task);
          } catch (error) {
            throw new PointFailedError(t.label, reasonOf(error));
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
    const window = this.jobs * 2;
    const running = new Set<Promise<void>>();
    let failure: PointFailedError | null = null;
    for (const t of tasks) {
      if (failure !== null) break;
      const p: Promise<void> = pool
        .run(t.task)
        .then(
          (outcome: PointOutcome) => {
            if (failure === null) done(t.index, outcome);
          },
          (error: unknown) => {
            failure ??= new PointFailedError(t.label, reasonOf(error));
          },
        )
        .finally(() => running.delete(p));
      running.add(p);
      if (running.size >= window) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure !== null) throw failure;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool !== null) await pool.destroy();
  }
}
