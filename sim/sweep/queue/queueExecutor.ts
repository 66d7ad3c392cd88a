// Runs a sweep's points on `cachesim worker` processes through a BullMQ queue. Each point is one job
// carrying its scenario text (workers need no copy of the file); the sweep waits for each job's result
// and stores it by index, so the report is the same bytes as a local run. A worker that dies mid-point
// stops renewing its job's lock, and BullMQ's stalled-job check hands the point to another worker. A
// point that fails (a scenario or simulation problem) fails the sweep with the point's own message.
import { randomUUID } from "node:crypto";
import { type Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { type Executor, type IndexedTask, PointFailedError, reasonOf, SweepStopped } from "../executor.ts";
import type { PointOutcome } from "../runPoint.ts";
import { DEFAULT_QUEUE_NAME, openRedis } from "./connection.ts";

export interface PointJob extends IndexedTask {
  sweepId: string;
}

/** Jobs waiting in Redis at once per sweep: enough to keep many workers busy, bounded in memory. */
const JOBS_IN_FLIGHT = 512;

/** What a wait for a job gives once close() has been called instead of its result. */
const STOPPED = Symbol("stopped");

export class QueueExecutor implements Executor {
  private readonly pending = new Map<string, Job>();
  /** Set by close(): runAll stops adding points and waiting for them, and rejects with it. */
  private stopped: SweepStopped | null = null;
  /** How close() ends each wait for a job under way (one per job waited for, taken off when it ends). */
  private readonly waits = new Set<() => void>();
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
  ) {}

  /** The job's result, or STOPPED as soon as close() is called: no wait outlasts the queue's connection. */
  private finished(job: Job): Promise<PointOutcome | typeof STOPPED> {
    let end = () => {};
    const stopped = new Promise<typeof STOPPED>((resolve) => {
      end = () => resolve(STOPPED);
    });
    this.waits.add(end);
    return Promise.race([job.waitUntilFinished(this.events) as Promise<PointOutcome>, stopped]).finally(() =>
      this.waits.delete(end),
    );
  }

  static async connect(url: string, queueName = DEFAULT_QUEUE_NAME): Promise<QueueExecutor> {
    const redis = await openRedis(url);
    const queue = new Queue(queueName, { connection: redis });
    // A short blocking read, so closing does not wait out a long one.
    const events = new QueueEvents(queueName, { connection: redis.duplicate(), blockingTimeout: 1_000 });
    // Every job in flight waits on these emitters.
    queue.setMaxListeners(JOBS_IN_FLIGHT * 2 + 10);
    events.setMaxListeners(JOBS_IN_FLIGHT * 2 + 10);
    await events.waitUntilReady();
    return new QueueExecutor(redis, queue, events);
  }

  async runAll(tasks: Iterable<IndexedTask>, done: (index: number, outcome: PointOutcome) => void) {
    const sweepId = randomUUID();
    const running = new Set<Promise<void>>();
    let failure: PointFailedError | null = null;
    for (const t of tasks) {
      if (failure !== null || this.stopped !== null) break;
      const data: PointJob = { ...t, sweepId };
      let job: Job;
      try {
        job = await this.queue.add("point", data, {
          jobId: `${sweepId}-${t.index}`,
          // A failure is the scenario's, and would fail again: no retry. A worker's death is not a
          // failure but a stalled job, which BullMQ hands to another worker.
          attempts: 1,
          removeOnComplete: false,
          removeOnFail: false,
        });
      } catch (error) {
        // close() came while the point was being added: the sweep stopped, it did not fail.
        if (this.stopped !== null) break;
        throw error;
      }
      if (this.stopped !== null) {
        // close() came while the point was being added, and took only the others off the queue.
        await job.remove().catch(() => {});
        break;
      }
      const id = job.id as string;
      this.pending.set(id, job);
      const p: Promise<void> = this.finished(job)
        .then(
          async (outcome: PointOutcome | typeof STOPPED) => {
            if (outcome === STOPPED) return;
            this.pending.delete(id);
            await job.remove().catch(() => {});
            if (failure === null && this.stopped === null) done(t.index, outcome);
          },
          (error: unknown) => {
            if (this.stopped === null) failure ??= new PointFailedError(t.label, reasonOf(error));
          },
        )
        .finally(() => running.delete(p));
      running.add(p);
      if (running.size >= JOBS_IN_FLIGHT) await Promise.race(running);
    }
    await Promise.all(running);
    if (this.stopped !== null) throw this.stopped;
    if (failure !== null) throw failure;
  }

  /**
   * Takes the sweep's unfinished points off the queue and lets go of it; a runAll still under way
   * then rejects with SweepStopped (carrying `reason`), as the local executor's does. Calling it again
   * waits for the first call.
   */
  close(reason?: unknown): Promise<void> {
    this.closed ??= this.shutDown(reason);
    return this.closed;
  }

  private async shutDown(reason: unknown): Promise<void> {
    this.stopped = new SweepStopped(reason);
    for (const end of this.waits) end();
    // A failed or interrupted sweep takes its unfinished points off the queue (a point a worker is
    // running cannot be removed; its result is simply never read).
    for (const job of this.pending.values()) await job.remove().catch(() => {});
    this.pending.clear();
    await this.events.close();
    await this.queue.close();
    this.redis.disconnect();
  }
}
