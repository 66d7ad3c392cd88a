// `cachesim worker`: takes sweep points off the queue and runs them, one at a time per process (a point
// is a whole simulation, and a machine runs as many workers as it has cores to give). Stops when told
// (SIGTERM, SIGINT), within a few seconds whatever the queue's server does: a point under way is left to
// be retried by another worker. Stops by itself after idleExitMs without work, and with an error once
// the server has been unreachable for giveUpAfterMs. Wall-clock timers here pace the worker's queue I/O,
// never a simulation (test/tidy.test.ts exempts this file).
import { UnrecoverableError, Worker } from "bullmq";
import { Piscina } from "piscina";
import { formatDurationUs } from "../../spec/duration.ts";
import { reasonOf } from "../executor.ts";
import type { PointOutcome } from "../runPoint.ts";
import { DEFAULT_QUEUE_NAME, openRedis, QueueError, safeUrl } from "./connection.ts";
import type { PointJob } from "./queueExecutor.ts";

/** After a stop is asked for, how long closing the queue's connections may take before they are dropped. */
const CLOSE_GRACE_MS = 2_000;
/** How often the worker looks at its idle time and at how long the queue has been unreachable. */
const WATCH_INTERVAL_MS = 250;

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
  /** Stop with a QueueError once the queue's Redis has been unreachable this long. */
  giveUpAfterMs: number;
  log: (line: string) => void;
}

/**
 * Resolves when the worker has stopped; the number of points it ran. Rejects with a QueueError when the
 * queue's Redis stayed unreachable for giveUpAfterMs.
 */
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
  let stopping: Promise<void> | null = null;
  const worker = new Worker<PointJob, PointOutcome>(
    queueName,
    async (job) => {
      options.log(`running ${job.data.label}`);
      let outcome: PointOutcome;
      try {
        // No stop line: a stop ends the thread, and the point goes back to the queue (below).
        outcome = await pool.run({ task: job.data.task, stop: null });
      } catch (error) {
        // Stopped mid-point (the thread was ended): the point is neither done nor failed. It stays
        // with this worker's lock, which is no longer renewed, and goes to another worker when the
        // lock runs out (BullMQ's stalled-job check).
        if (stopping !== null) return new Promise<never>(() => {});
        options.log(`failed  ${job.data.label}: ${reasonOf(error)}`);
        // The same scenario fails the same way anywhere: no other worker should try it again.
        throw new UnrecoverableError(reasonOf(error));
      }
      ran++;
      options.log(`done    ${job.data.label}`);
      return outcome;
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
  // Logged once per outage, not once per reconnection attempt.
  let unreachableSince: bigint | null = null;
  worker.on("error", (error) => {
    if (unreachableSince === null) options.log(`queue error: ${reasonOf(error)}`);
  });
  redis.on("close", () => {
    unreachableSince ??= process.hrtime.bigint();
  });
  redis.on("ready", () => {
    if (unreachableSince !== null) options.log("queue reachable again");
    unreachableSince = null;
  });
  let lastBusy = process.hrtime.bigint();

  let gaveUp: QueueError | null = null;
  let stopped: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  // Every stop is bounded in time: the point under way is left to another worker, the connections get
  // CLOSE_GRACE_MS to close cleanly (they cannot while the server is away), then are dropped.
  const stop = (why: string) => {
    if (stopping !== null) return stopping;
    options.log(`stopping (${why})${active > 0 ? ": the point under way goes back to the queue" : ""}`);
    const closing = worker.close(true).catch(() => {});
    const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    stopping = Promise.race([closing, grace])
      .then(() => pool.destroy())
      .catch(() => {})
      .then(() => {
        redis.disconnect();
        stopped();
      });
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => void stop(signal);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const idleNs = options.idleExitMs === undefined ? null : BigInt(options.idleExitMs) * 1_000_000n;
  const giveUpNs = BigInt(options.giveUpAfterMs) * 1_000_000n;
  const watch = setInterval(() => {
    const now = process.hrtime.bigint();
    if (unreachableSince !== null && now - unreachableSince >= giveUpNs && stopping === null) {
      gaveUp = new QueueError(
        `the queue's Redis at ${safeUrl(options.url)} has been unreachable for ${formatDurationUs(options.giveUpAfterMs * 1000)} (--give-up-after); stopping`,
      );
      void stop("queue unreachable");
    } else if (idleNs !== null && active === 0 && now - lastBusy >= idleNs) void stop("idle");
  }, WATCH_INTERVAL_MS);
  options.log(`worker on ${safeUrl(options.url)}, queue ${queueName}`);
  try {
    // run() ends when the worker is closed, but not while its connections wait for a server that is
    // gone: the stop itself says when the worker is done.
    await Promise.race([worker.run().then(() => stop("closed")), done]);
    await stopping;
  } finally {
    clearInterval(watch);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  if (gaveUp !== null) throw gaveUp;
  return ran;
}
