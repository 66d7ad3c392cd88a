// The virtual-time kernel. Time is an integer number of microseconds; events at the same instant run
// by priority (higher first; 0 unless asked) and then in the order they were scheduled. Work that waits
// on a backend is scheduled with `afterResult`: the request is issued now, and the scheduler waits for
// its answer only when the continuation is due. So independent requests overlap (a real server sees them
// pipelined) while the order in which events run never depends on when a promise happens to settle.
//
// Every way of scheduling returns a handle that `cancel` accepts, but afterResultNoHandle, for
// continuations nobody cancels. Background events (`background`) and tickers (`addTicker`) run only
// while other work keeps the run going: a periodic flusher or refresher never pins an otherwise
// finished run.

import { eventLoopTurn } from "./eventLoopTurn.ts";
import { EventQueue, PRIORITY_MAX, PRIORITY_MIN } from "./eventQueue.ts";
import { SimulationError } from "./simulationError.ts";

export { SimulationError } from "./simulationError.ts";

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

/** How many events run between two looks at the abort signal. */
const ABORT_CHECK_EVENTS = 1024;
/** Looks at the signal between two turns given to the event loop (about every 16,000 events). */
const ABORT_CHECKS_PER_YIELD = 16;

// Why runEvents stopped.
const IDLE = 0;
const DURATION = 1;
const LOOK_AT_SIGNAL = 2;
const WAIT_FOR_ANSWER = 3;

export type EndReason = "duration" | "idle";

export interface RunStats {
  endReason: EndReason;
  events: number;
  endUs: number;
}

/** A handle on a scheduled event, for `cancel`. A plain number: scheduling allocates nothing for it. */
export type EventHandle = number;

// What a slot holds (the queue's `kind`). DAEMON is a flag on top of the other three.
const CALL = 1; // fn(arg)
const CALL_WITH = 2; // fn(value, arg), the value already known
const AWAIT = 3; // fn(answer, arg), once the Pending in `value` has settled
const DAEMON = 8;
const KIND_MASK = 7;

/**
 * A backend answer on its way to the continuation that needs it. Pendings are pooled: one whose answer
 * was delivered has settled, so its two callbacks can never fire again and serve the next request,
 * which saves an object and two closures per request.
 */
class Pending {
  settled = false;
  value: unknown = undefined;
  error: unknown = undefined;
  /** Settles (never rejects) when the answer is in. */
  promise: Promise<void> | undefined = undefined;
  private readonly onValue = (v: unknown): void => {
    this.settled = true;
    this.value = v;
  };
  private readonly onError = (e: unknown): void => {
    this.settled = true;
    this.error = e ?? new Error("backend request failed");
  };
  watch(result: Promise<unknown>): this {
    this.promise = result.then(this.onValue, this.onError);
    return this;
  }
  reset(): void {
    this.settled = false;
    this.value = undefined;
    this.error = undefined;
    this.promise = undefined;
  }
}

function isPromise<T>(x: T | Promise<T>): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === "function";
}

/** For an answer nobody waits for any more: its failure is dropped on purpose, not left unhandled. */
function ignore(): void {}

/** Why a delay or a time was refused, naming the value (NaN, 1.5, -3, Infinity, 2^53…). */
function badTime(what: string, value: number): SimulationError {
  return new SimulationError(
    `cannot schedule an event with ${what} ${value}: expected a whole number of microseconds ` +
      `from 0 to ${Number.MAX_SAFE_INTEGER}`,
  );
}

function checkPriority(priority: number): void {
  if (!(Number.isInteger(priority) && priority >= PRIORITY_MIN && priority <= PRIORITY_MAX)) {
    throw new SimulationError(
      `cannot schedule an event with priority ${priority}: expected a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`,
    );
  }
}

interface Ticker {
  intervalUs: number;
  nextUs: number;
  fn: (boundaryUs: number) => void;
}

export class Scheduler {
  private readonly queue = new EventQueue();
  private now = 0;
  private eventsRun = 0;
  /** Live events that are not background work: the run is idle when this is 0. */
  private work = 0;
  private readonly tickers: Ticker[] = [];
  private nextTickUs = Number.POSITIVE_INFINITY;
  /** Pendings whose answers were delivered, for reuse (bounded by the most requests ever in flight). */
  private readonly pendingPool: Pending[] = [];
  /** Turns of the event loop left before run() looks at its abort signal again. */
  private untilAbortCheck = 0;
  /** The continuation run() is waiting to deliver an answer to, taken off the queue by runEvents. */
  private awaited: Pending | undefined = undefined;
  private awaitedFn: ((a: unknown, b?: unknown) => void) | undefined = undefined;
  private awaitedArg: unknown = undefined;

  get nowUs(): number {
    return this.now;
  }

  /** Events waiting that keep the run going (background events and tickers not counted). */
  get workPending(): number {
    return this.work;
  }

  /** The time now + delayUs, or an error naming the delay if it is not a whole, non-negative number. */
  private timeAfter(delayUs: number): number {
    const timeUs = this.now + delayUs;
    if (!(Number.isSafeInteger(delayUs) && delayUs >= 0 && timeUs <= Number.MAX_SAFE_INTEGER))
      throw badTime("delay", delayUs);
    return timeUs;
  }

  /**
   * Queues an event and returns its slot, not its handle: a handle soon passes 2^31, which V8 keeps in
   * a heap number of its own whenever it is returned from a call it did not inline, and most callers
   * drop it. Each public method turns the slot into the handle as it returns, where V8 leaves the
   * work out when it inlines the method into a caller that drops the handle.
   */
  private schedule(
    timeUs: number,
    priority: number,
    kind: number,
    fn: (...args: never[]) => unknown,
    arg: unknown,
    value: unknown,
  ): number {
    if (priority !== 0) checkPriority(priority);
    if ((kind & DAEMON) === 0) this.work++;
    return this.queue.push(timeUs, priority, kind, fn, arg, value);
  }

  /**
   * Runs `fn(arg)` at virtual time now + delayUs (a whole number ≥ 0). Among events at one instant,
   * higher `priority` (a whole number from -8 to 7, default 0) runs first, then scheduling order.
   */
  after<A>(delayUs: number, fn: (arg: A) => void, arg: A, priority?: number): EventHandle;
  after(delayUs: number, fn: () => void): EventHandle;
  after<A>(delayUs: number, fn: (arg: A) => void, arg?: A, priority = 0): EventHandle {
    // timeAfter() and schedule() written out: this is the call nearly every event makes, and each
    // level of calls is one more function V8 compiles on its own while a run warms up.
    const timeUs = this.now + delayUs;
    if (!(Number.isSafeInteger(delayUs) && delayUs >= 0 && timeUs <= Number.MAX_SAFE_INTEGER))
      throw badTime("delay", delayUs);
    if (priority !== 0) checkPriority(priority);
    this.work++;
    const queue = this.queue;
    return queue.handle(queue.push(timeUs, priority, CALL, fn, arg, undefined));
  }

  /** Runs `fn(arg)` at an absolute virtual time, which must not be in the past. */
  at<A>(timeUs: number, fn: (arg: A) => void, arg: A, priority?: number): EventHandle;
  at(timeUs: number, fn: () => void): EventHandle;
  at<A>(timeUs: number, fn: (arg: A) => void, arg?: A, priority = 0): EventHandle {
    if (!Number.isSafeInteger(timeUs) || timeUs < 0) throw badTime("time", timeUs);
    if (timeUs < this.now)
      throw new SimulationError(`cannot schedule an event at ${timeUs}us: it is before now (${this.now}us)`);
    return this.queue.handle(this.schedule(timeUs, priority, CALL, fn, arg, undefined));
  }

  /**
   * Background work: runs `fn(arg)` at now + delayUs, but only if other work keeps the run going that
   * long. A run with nothing left but background events is idle and ends, leaving them unrun.
   */
  background<A>(delayUs: number, fn: (arg: A) => void, arg: A, priority?: number): EventHandle;
  background(delayUs: number, fn: () => void): EventHandle;
  background<A>(delayUs: number, fn: (arg: A) => void, arg?: A, priority = 0): EventHandle {
    return this.queue.handle(
      this.schedule(this.timeAfter(delayUs), priority, CALL | DAEMON, fn, arg, undefined),
    );
  }

  /**
   * Runs `fn(result, arg)` at now + delayUs, where result is a backend answer that may still be on its
   * way. A plain value is passed straight through; a promise is waited for only when `fn` is due. A
   * failed request fails the run, even if its continuation falls after the run's end, unless the event
   * was cancelled first.
   */
  afterResult<T, A>(
    result: T | Promise<T>,
    delayUs: number,
    fn: (value: T, arg: A) => void,
    arg: A,
  ): EventHandle;
  afterResult<T>(result: T | Promise<T>, delayUs: number, fn: (value: T) => void): EventHandle;
  afterResult<T, A>(
    result: T | Promise<T>,
    delayUs: number,
    fn: (value: T, arg: A) => void,
    arg?: A,
  ): EventHandle {
    return this.queue.handle(this.scheduleResult(result, delayUs, fn, arg));
  }

  /**
   * afterResult for a continuation nobody cancels: the same event, but no handle. A handle is soon past
   * 2^31, and V8 keeps one in a heap number of its own whenever it is returned from a call it did not
   * inline, which afterResult (it inlines the queue's push) rarely is: 800,000 heap numbers, 13 MB for
   * the young generation to collect, in the 1,000,000-request benchmark, where no caller kept one.
   */
  afterResultNoHandle<T, A>(
    result: T | Promise<T>,
    delayUs: number,
    fn: (value: T, arg: A) => void,
    arg: A,
  ): void {
    this.scheduleResult(result, delayUs, fn, arg);
  }

  /** afterResult's work; it returns the slot (see schedule). */
  private scheduleResult<T, A>(
    result: T | Promise<T>,
    delayUs: number,
    fn: (value: T, arg: A) => void,
    arg: A | undefined,
  ): number {
    const timeUs = this.timeAfter(delayUs);
    if (!isPromise(result)) return this.schedule(timeUs, 0, CALL_WITH, fn, arg, result);
    const pending = this.pendingPool.pop() ?? new Pending();
    return this.schedule(timeUs, 0, AWAIT, fn, arg, pending.watch(result));
  }

  /**
   * The first of an answer and a deadline: exactly one of `fn(result, arg)` at now + delayUs and
   * `onTimeout(arg)` at now + timeoutUs runs. The answer wins only if it is due strictly before the
   * deadline; otherwise it is dropped (never delivered later), and its failure, if it fails, is
   * swallowed because nobody is waiting for it. Which one runs is decided now, from virtual times only,
   * so it never depends on how fast a real backend answers. The handle cancels whichever was scheduled.
   */
  afterResultWithin<T, A>(
    result: T | Promise<T>,
    delayUs: number,
    timeoutUs: number,
    fn: (value: T, arg: A) => void,
    onTimeout: (arg: A) => void,
    arg: A,
  ): EventHandle {
    const deadlineUs = this.timeAfter(timeoutUs);
    if (this.timeAfter(delayUs) < deadlineUs) return this.afterResult(result, delayUs, fn, arg);
    if (isPromise(result)) result.then(undefined, ignore);
    return this.queue.handle(this.schedule(deadlineUs, 0, CALL, onTimeout, arg, undefined));
  }

  /**
   * Cancels a waiting event: it will not run, does not count as an event and no longer keeps the run
   * going; a cancelled backend answer is dropped, failure included. Returns true if the event was still
   * waiting, false if it had already run or been cancelled (then nothing happens). The first of several
   * events can be built on this: whichever runs first cancels the others, and a late one learns from
   * `false` that it lost.
   */
  cancel(handle: EventHandle): boolean {
    const queue = this.queue;
    const slot = queue.slotOf(handle);
    if (slot < 0) return false;
    const kind = queue.kinds[slot] as number;
    if ((kind & DAEMON) === 0) this.work--;
    // A cancelled backend answer is simply forgotten: its Pending already handles a failure.
    queue.kill(slot);
    return true;
  }

  /**
   * Calls `fn(boundaryUs)` at every multiple of intervalUs, before any event at or after that boundary
   * runs. Ticks are not work: they do not keep an otherwise idle run going, and do not count as events.
   * Several tickers may coexist; at a boundary where more than one is due they run in the order they
   * were added.
   */
  addTicker(intervalUs: number, fn: (boundaryUs: number) => void): void {
    if (!(Number.isSafeInteger(intervalUs) && intervalUs > 0)) {
      throw new SimulationError(
        `cannot tick every ${intervalUs}us: expected a whole number of microseconds greater than 0`,
      );
    }
    const nextUs = (Math.floor(this.now / intervalUs) + 1) * intervalUs;
    this.tickers.push({ intervalUs, nextUs, fn });
    if (nextUs < this.nextTickUs) this.nextTickUs = nextUs;
  }

  /** Same as addTicker (a second ticker is added, never replaces the first); kept for existing callers. */
  setTicker(intervalUs: number, fn: (boundaryUs: number) => void): void {
    this.addTicker(intervalUs, fn);
  }

  /** Runs every ticker due at the earliest boundary, in the order they were added. */
  private tick(): void {
    const boundaryUs = this.nextTickUs;
    let nextUs = Number.POSITIVE_INFINITY;
    for (const ticker of this.tickers) {
      if (ticker.nextUs === boundaryUs) {
        ticker.fn(boundaryUs);
        ticker.nextUs += ticker.intervalUs;
      }
      if (ticker.nextUs < nextUs) nextUs = ticker.nextUs;
    }
    this.nextTickUs = nextUs;
  }

  /**
   * Runs events until no work is left (idle: only background events, if any), the next event is at or
   * past endUs (duration), or eventsMax events have run (an error: a scenario that never settles is a
   * bug the user should hear about). Either way it ends, every backend request still on its way is
   * waited for first, and the first of them (in the order their answers were due) that failed fails the
   * run: a failure whose answer would have come after the end is still a failure. When `signal` fires,
   * the run stops within 1,024 events (or as soon as the backend answer it is waiting for arrives) with
   * a `RunAborted`.
   */
  async run(endUs: number, eventsMax: number, signal?: AbortSignal): Promise<RunStats> {
    let stats: RunStats;
    this.untilAbortCheck = 0;
    let untilYield = ABORT_CHECKS_PER_YIELD - 1;
    for (;;) {
      // Everything that needs no waiting happens in runEvents, a plain loop; this one only waits.
      const stop = this.runEvents(endUs, eventsMax, signal !== undefined);
      if (stop === IDLE) {
        stats = { endReason: "idle", events: this.eventsRun, endUs: this.now };
        break;
      }
      if (stop === DURATION) {
        this.now = endUs;
        stats = { endReason: "duration", events: this.eventsRun, endUs };
        break;
      }
      if (stop === LOOK_AT_SIGNAL) {
        // A signal handler (SIGINT) only runs when the event loop gets a turn, which a run whose
        // backends answer at once never gives it: give it one now and then.
        if (--untilYield < 0) {
          await eventLoopTurn();
          untilYield = ABORT_CHECKS_PER_YIELD - 1;
        }
        if (signal?.aborted) throw new RunAborted(this.now, signal.reason);
        this.untilAbortCheck = ABORT_CHECK_EVENTS - 1;
        continue;
      }
      // WAIT_FOR_ANSWER: the event taken is a continuation whose answer is not in yet. Wait for this
      // answer (others settle meanwhile), then deliver it.
      const pending = this.awaited as Pending;
      await (pending.promise as Promise<void>);
      if (signal?.aborted) throw new RunAborted(this.now, signal.reason);
      this.deliver(pending, this.awaitedFn as (a: unknown, b?: unknown) => void, this.awaitedArg);
      this.awaited = undefined;
      this.awaitedFn = undefined;
      this.awaitedArg = undefined;
      this.eventsRun++;
    }
    await this.undeliveredFailure();
    return stats;
  }

  /**
   * Runs events, without waiting for anything, until the run is idle, reaches endUs, is due a look at
   * its abort signal (every ABORT_CHECK_EVENTS turns, when `watched`), or takes a continuation whose
   * backend answer is not in yet (left in `awaited` for run() to wait for and deliver). Says which.
   */
  private runEvents(endUs: number, eventsMax: number, watched: boolean): number {
    const queue = this.queue;
    // The slot arrays keep their identity for the queue's life, so they can be read from locals.
    const { kinds, fns, args, values } = queue;
    for (;;) {
      if (this.work === 0) return IDLE;
      const nextUs = queue.peekTimeUs();
      if (nextUs >= endUs) return DURATION;
      if (this.eventsRun >= eventsMax) {
        throw new SimulationError(
          `the run passed its event limit (limits.events = ${eventsMax}) at virtual time ${this.now}us; ` +
            "raise limits.events in the scenario if the workload really needs more",
        );
      }
      if (watched && --this.untilAbortCheck < 0) return LOOK_AT_SIGNAL;
      if (nextUs >= this.nextTickUs) {
        // A ticker may schedule events; look at the queue again after each boundary.
        this.tick();
        continue;
      }
      const slot = queue.pop();
      const kind = kinds[slot] as number;
      const fn = fns[slot] as (a: unknown, b?: unknown) => void;
      const arg = args[slot];
      const value = values[slot];
      queue.free(slot);
      this.now = nextUs;
      if ((kind & DAEMON) === 0) this.work--;
      const what = kind & KIND_MASK;
      if (what === CALL) fn(arg);
      else if (what === CALL_WITH) fn(value, arg);
      else if ((value as Pending).settled) this.deliver(value as Pending, fn, arg);
      else {
        this.awaited = value as Pending;
        this.awaitedFn = fn;
        this.awaitedArg = arg;
        return WAIT_FOR_ANSWER;
      }
      this.eventsRun++;
    }
  }

  /** Hands a settled backend answer to its continuation (or fails the run with its failure). */
  private deliver(pending: Pending, fn: (a: unknown, b?: unknown) => void, arg: unknown): void {
    if (pending.error !== undefined) throw pending.error;
    const answer = pending.value;
    pending.reset();
    this.pendingPool.push(pending);
    fn(answer, arg);
  }

  /** Waits for every backend answer never delivered (all already issued) and throws the first failure. */
  private async undeliveredFailure(): Promise<void> {
    const queue = this.queue;
    const undelivered: Pending[] = [];
    for (const slot of queue.liveSlots())
      if (((queue.kinds[slot] as number) & KIND_MASK) === AWAIT)
        undelivered.push(queue.values[slot] as Pending);
    if (undelivered.length === 0) return;
    await Promise.all(undelivered.map((p) => p.promise));
    for (const p of undelivered) if (p.error !== undefined) throw p.error;
  }
}
