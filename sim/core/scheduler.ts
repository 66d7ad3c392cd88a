// The virtual-time kernel. Time is an integer number of microseconds; events at the same instant run
// in the order they were scheduled. Work that waits on a backend is scheduled with `afterResult`: the
// request is issued now, and the scheduler waits for its answer only when the continuation is due. So
// independent requests overlap (a real server sees them pipelined) while the order in which events run
// never depends on when a promise happens to settle.

import { EventQueue } from "./eventQueue.ts";

/** A user-facing failure of a run (event limit, a backend gone); the CLI prints its message only. */
export class SimulationError extends Error {
  override name = "SimulationError";
}

/**
 * A run stopped because its AbortSignal fired (SIGINT/SIGTERM in the CLI). It carries the virtual time
 * the run had reached and the signal's reason, so the caller can say which signal it was.
 */
export class RunAborted extends SimulationError {
  override name = "RunAborted";
  constructor(
    readonly atUs: number,
    readonly reason: unknown,
  ) {
    super(`the run was stopped at virtual time ${atUs}us`);
  }
}

/** How many events run between two looks at the abort signal (a power of two minus one, as a mask). */
const ABORT_CHECK_MASK = 1023;

/** Why a delay or a time was refused, naming the value (NaN, 1.5, -3, Infinity, 2^53…). */
function badTime(what: string, value: number): SimulationError {
  return new SimulationError(
    `cannot schedule an event with ${what} ${value}: expected a whole number of microseconds ` +
      `from 0 to ${Number.MAX_SAFE_INTEGER}`,
  );
}

export type EndReason = "duration" | "idle";

export interface RunStats {
  endReason: EndReason;
  events: number;
  endUs: number;
}

/** A backend answer on its way to the continuation that needs it. */
interface Pending<T, A> {
  settled: boolean;
  value: T | undefined;
  error: unknown;
  promise: Promise<unknown>;
  fn: (value: T, arg: A) => void;
  arg: A;
}

const RETRY = Symbol("retry");

/** The event that hands a pending answer on; it asks the run loop to wait if the answer is not in yet. */
function deliver<T, A>(pending: Pending<T, A>): unknown {
  if (!pending.settled) return RETRY;
  if (pending.error !== undefined) throw pending.error;
  pending.fn(pending.value as T, pending.arg);
  return undefined;
}

/** Hands a value that is already known to its continuation. */
function deliverNow<T, A>(ready: { value: T; fn: (value: T, arg: A) => void; arg: A }): void {
  ready.fn(ready.value, ready.arg);
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

export class Scheduler {
  private readonly queue = new EventQueue();
  private now = 0;
  private eventsRun = 0;
  private tickIntervalUs = 0;
  private nextTickUs = Number.POSITIVE_INFINITY;
  private onTick: (boundaryUs: number) => void = () => {};

  get nowUs(): number {
    return this.now;
  }

  get eventsProcessed(): number {
    return this.eventsRun;
  }

  /** Runs `fn(arg)` at virtual time now + delayUs (delay >= 0, integer). */
  after<A>(delayUs: number, fn: (arg: A) => void, arg: A): void;
  after(delayUs: number, fn: () => void): void;
  after<A>(delayUs: number, fn: (arg: A) => void, arg?: A): void {
    const timeUs = this.now + delayUs;
    if (!(Number.isSafeInteger(delayUs) && delayUs >= 0 && timeUs <= Number.MAX_SAFE_INTEGER))
      throw badTime("delay", delayUs);
    this.queue.push(timeUs, fn, arg as A);
  }

  /** Runs `fn(arg)` at an absolute virtual time, which must not be in the past. */
  at<A>(timeUs: number, fn: (arg: A) => void, arg: A): void;
  at(timeUs: number, fn: () => void): void;
  at<A>(timeUs: number, fn: (arg: A) => void, arg?: A): void {
    if (!Number.isSafeInteger(timeUs) || timeUs < 0) throw badTime("time", timeUs);
    if (timeUs < this.now)
      throw new SimulationError(`cannot schedule an event at ${timeUs}us: it is before now (${this.now}us)`);
    this.queue.push(timeUs, fn, arg as A);
  }

  /**
   * Runs `fn(result, arg)` at now + delayUs, where result is a backend answer that may still be on its
   * way. A plain value is passed straight through; a promise is waited for only when `fn` is due.
   */
  afterResult<T, A>(result: T | Promise<T>, delayUs: number, fn: (value: T, arg: A) => void, arg: A): void;
  afterResult<T>(result: T | Promise<T>, delayUs: number, fn: (value: T) => void): void;
  afterResult<T, A>(result: T | Promise<T>, delayUs: number, fn: (value: T, arg: A) => void, arg?: A): void {
    const timeUs = this.now + delayUs;
    if (!(Number.isSafeInteger(delayUs) && delayUs >= 0 && timeUs <= Number.MAX_SAFE_INTEGER))
      throw badTime("delay", delayUs);
    if (!isPromise(result)) {
      this.queue.push(timeUs, deliverNow<T, A>, { value: result, fn, arg: arg as A });
      return;
    }
    const pending: Pending<T, A> = {
      settled: false,
      value: undefined,
      error: undefined,
      promise: result,
      fn,
      arg: arg as A,
    };
    pending.promise = result.then(
      (v) => {
        pending.settled = true;
        pending.value = v;
      },
      (e: unknown) => {
        pending.settled = true;
        pending.error = e ?? new Error("backend request failed");
      },
    );
    this.queue.push(timeUs, deliver<T, A>, pending);
  }

  /**
   * Calls `fn(boundaryUs)` at every multiple of intervalUs, before any event at or after that boundary
   * runs. Ticks are not work: they do not keep an otherwise idle run going.
   */
  setTicker(intervalUs: number, fn: (boundaryUs: number) => void): void {
    if (!(intervalUs > 0)) throw new Error(`tick interval must be > 0, got ${intervalUs}`);
    this.tickIntervalUs = intervalUs;
    this.nextTickUs = (Math.floor(this.now / intervalUs) + 1) * intervalUs;
    this.onTick = fn;
  }

  /**
   * Runs events until none is left (idle), the next one is at or past endUs (duration), or eventsMax
   * events have run (an error: a scenario that never settles is a bug the user should hear about).
   * Either way it ends, every backend request still on its way is waited for first, and the first of
   * them (in the order their answers were due) that failed fails the run: a failure whose answer would
   * have come after the end is still a failure. When `signal` fires, the run stops within 1,024 events
   * (or as soon as the backend answer it is waiting for arrives) with a `RunAborted`.
   */
  async run(endUs: number, eventsMax: number, signal?: AbortSignal): Promise<RunStats> {
    const queue = this.queue;
    let stats: RunStats;
    for (;;) {
      const nextUs = queue.peekTimeUs();
      if (nextUs === Number.POSITIVE_INFINITY) {
        stats = { endReason: "idle", events: this.eventsRun, endUs: this.now };
        break;
      }
      if (nextUs >= endUs) {
        this.now = endUs;
        stats = { endReason: "duration", events: this.eventsRun, endUs };
        break;
      }
      if (this.eventsRun >= eventsMax) {
        throw new SimulationError(
          `the run passed its event limit (limits.events = ${eventsMax}) at virtual time ${this.now}us; ` +
            "raise limits.events in the scenario if the workload really needs more",
        );
      }
      if ((this.eventsRun & ABORT_CHECK_MASK) === 0 && signal?.aborted)
        throw new RunAborted(this.now, signal.reason);
      while (nextUs >= this.nextTickUs) {
        this.onTick(this.nextTickUs);
        this.nextTickUs += this.tickIntervalUs;
      }
      const event = queue.pop() as NonNullable<ReturnType<EventQueue["pop"]>>;
      this.now = event.timeUs;
      if (event.fn(event.arg) === RETRY) {
        // Not answered yet: wait for this answer (others settle meanwhile), then run the same event.
        await (event.arg as Pending<unknown, unknown>).promise;
        if (signal?.aborted) throw new RunAborted(this.now, signal.reason);
        event.fn(event.arg);
      }
      this.eventsRun++;
    }
    await this.undeliveredFailure();
    return stats;
  }

  /** Waits for every backend answer never delivered (all already issued) and throws the first failure. */
  private async undeliveredFailure(): Promise<void> {
    const undelivered: Pending<unknown, unknown>[] = [];
    for (const event of this.queue.snapshot())
      if (event.fn === deliver) undelivered.push(event.arg as Pending<unknown, unknown>);
    if (undelivered.length === 0) return;
    await Promise.all(undelivered.map((p) => p.promise));
    for (const p of undelivered) if (p.error !== undefined) throw p.error;
  }
}
