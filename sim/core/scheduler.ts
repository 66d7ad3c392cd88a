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

export type EndReason = "duration" | "idle";

export interface RunStats {
  endReason: EndReason;
  events: number;
  endUs: number;
}

interface Pending<T> {
  settled: boolean;
  value: T | undefined;
  error: unknown;
  promise: Promise<unknown>;
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

export class Scheduler {
  private readonly queue = new EventQueue();
  private now = 0;
  private eventsRun = 0;
  private waitingOn: Promise<unknown> | null = null;
  private tickIntervalUs = 0;
  private nextTickUs = Number.POSITIVE_INFINITY;
  private onTick: (boundaryUs: number) => void = () => {};

  get nowUs(): number {
    return this.now;
  }

  get eventsProcessed(): number {
    return this.eventsRun;
  }

  /** Runs `fn` at virtual time now + delayUs (delay >= 0, integer). */
  after(delayUs: number, fn: () => void): void {
    this.queue.push(this.now + delayUs, fn);
  }

  /** Runs `fn` at an absolute virtual time, which must not be in the past. */
  at(timeUs: number, fn: () => void): void {
    if (timeUs < this.now) throw new Error(`cannot schedule at ${timeUs}us, before now (${this.now}us)`);
    this.queue.push(timeUs, fn);
  }

  /**
   * Runs `fn(result)` at now + delayUs, where result is a backend answer that may still be on its way.
   * A plain value is passed straight through; a promise is waited for only when `fn` is due.
   */
  afterResult<T>(result: T | Promise<T>, delayUs: number, fn: (value: T) => void): void {
    if (!isPromise(result)) {
      this.queue.push(this.now + delayUs, () => fn(result));
      return;
    }
    const pending: Pending<T> = { settled: false, value: undefined, error: undefined, promise: result };
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
    this.queue.push(this.now + delayUs, () => {
      if (!pending.settled) {
        // Not answered yet: the run loop waits for it and then runs this same event again.
        this.waitingOn = pending.promise;
        return RETRY;
      }
      if (pending.error !== undefined) throw pending.error;
      fn(pending.value as T);
      return undefined;
    });
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
   */
  async run(endUs: number, eventsMax: number): Promise<RunStats> {
    const queue = this.queue;
    for (;;) {
      const nextUs = queue.peekTimeUs();
      if (nextUs === Number.POSITIVE_INFINITY) return { endReason: "idle", events: this.eventsRun, endUs: this.now };
      if (nextUs >= endUs) {
        this.now = endUs;
        return { endReason: "duration", events: this.eventsRun, endUs };
      }
      if (this.eventsRun >= eventsMax) {
        throw new SimulationError(
          `the run passed its event limit (limits.events = ${eventsMax}) at virtual time ${this.now}us; ` +
            "raise limits.events in the scenario if the workload really needs more",
        );
      }
      while (nextUs >= this.nextTickUs) {
        this.onTick(this.nextTickUs);
        this.nextTickUs += this.tickIntervalUs;
      }
      const event = queue.pop() as NonNullable<ReturnType<EventQueue["pop"]>>;
      this.now = event.timeUs;
      if (event.run() === RETRY) {
        const waiting = this.waitingOn as Promise<unknown>;
        this.waitingOn = null;
        await waiting;
        event.run();
      }
      this.eventsRun++;
    }
  }
}

const RETRY = Symbol("retry");
