// `cachesim worker`: takes sweep points off the queue and runs them, one at a time per process (a point
// is a whole simulation, and a machine runs as many workers as it has cores to give). Stops when told
// (SIGTERM, SIGINT: the point under way finishes first) or, with idleExitMs, after that long without work.
// Wall-clock timers here pace the worker, never a simulation (test/tidy.test.ts exempts this folder).
import { UnrecoverableError, Worker } from "bullmq";
import { Piscina } from "piscina";
import { reasonOf } from "../executor.ts";
import type { PointOutcome } from "../runPoint.ts";
import { DEFAULT_QUEUE_NAME, openRedis, safeUrl } from "./connection.ts";
import type { PointJob } from "./queueExecutor.ts";

export interface WorkerOptions {
  url: string;
  queueName?: string;
  /** Stop after this long with nothing to do; undefined: run until stopped. */
  idleExitMs?: number;
  /**
   * How long a point's lock lasts without renewal: after a worker dies, its point goes to another
   * worker within about this long (BullMQ's lockDuration; stalled points are looked for twice as often).
   */
  stallTimeoutMs: number;
  log: (line: string) => void;
}

/** Resolves when the worker has stopped; the number of points it ran. */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const redis = await openRedis(options.url);
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  // The point runs on a thread of its own: a simulation keeps its thread busy for as long as it runs,
  // and this thread must stay free to renew the point's lock, or the queue would think the worker dead.
  const pool = new Piscina({
    filename: new URL("../pointWorker.js", import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 1,
  });
  let active = 0;
  let ran = 0;
  const worker = new Worker<PointJob, PointOutcome>(
    queueName,
    async (job) => {
      options.log(`running ${job.data.label}`);
      try {
        const outcome: PointOutcome = await pool.run(job.data.task);
        ran++;
        options.log(`done    ${job.data.label}`);
        return outcome;
      } catch (error) {
        options.log(`failed  ${job.data.label}: ${reasonOf(error)}`);
        // The same scenario fails the same way anywhere: no other worker should try it again.
        throw new UnrecoverableError(reasonOf(error));
      }
    },
    {
      connection: redis,
      concurrency: 1,
      lockDuration: options.stallTimeoutMs,
      stalledInterval: Math.max(500, Math.floor(options.stallTimeoutMs / 2)),
      // A point whose worker died is handed on up to this many times, then fails the sweep.
      maxStalledCount: 3,
      autorun: false,
    },
  );
  worker.on("active", () => {
    active++;
  });
  const settled = () => {
    active--;
    lastBusy = process.hrtime.bigint();
  };
  worker.on("completed", settled);
  worker.on("failed", settled);
  worker.on("error", (error) => options.log(`queue error: ${reasonOf(error)}`));
  let lastBusy = process.hrtime.bigint();

  let stopping: Promise<void> | null = null;
  const stop = (why: string) => {
    if (stopping !== null) return stopping;
    options.log(`stopping (${why})${active > 0 ? ": finishing the point under way" : ""}`);
    stopping = worker
      .close()
      .then(() => pool.destroy())
      .then(() => redis.disconnect());
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  let idleTimer: NodeJS.Timeout | undefined;
  if (options.idleExitMs !== undefined) {
    const idleNs = BigInt(options.idleExitMs) * 1_000_000n;
    idleTimer = setInterval(() => {
      if (active === 0 && process.hrtime.bigint() - lastBusy >= idleNs) void stop("idle");
    }, 250);
  }
  options.log(`worker on ${safeUrl(options.url)}, queue ${queueName}`);
  try {
    await worker.run();
    await stop("closed");
  } finally {
    if (idleTimer !== undefined) clearInterval(idleTimer);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  return ran;
}
