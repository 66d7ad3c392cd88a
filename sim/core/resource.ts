// A queueing resource: `capacity` holders at once (connections to a database, worker threads), and a
// first-come-first-served queue for everyone else. It measures what a report needs about contention:
// how many hold it (now and at the peak), how many wait, and how long each grant waited, exactly, in
// virtual microseconds. Nothing here knows what is being queued for.
//
// A grant runs the waiter's function synchronously: at once inside `acquire` when a holder slot is free
// and nobody waits, or inside the `release` that frees a slot. Grants made by one release run in a loop,
// not by recursion, so a holder that releases at once cannot grow the stack however long the queue.

import type { Scheduler } from "./scheduler.ts";
import { SimulationError } from "./simulationError.ts";

export interface ResourceOptions {
  /** Names the resource in errors. */
  name?: string;
  /** At most this many waiters (default 1,000,000); one more is a SimulationError, not a runaway run. */
  queueMax?: number;
  /** Called at every grant with the time it waited (0 when granted at once), e.g. for a histogram. */
  onGrant?: (waitUs: number) => void;
}

/** What `acquire` returns when the grant was immediate (there is nothing to withdraw). */
export const GRANTED_AT_ONCE = -1;

const QUEUE_MAX_DEFAULT = 1_000_000;

type GrantFn = (arg: never, waitUs: number) => void;

export class Resource {
  readonly name: string;
  private readonly queueMax: number;
  private readonly onGrant: ((waitUs: number) => void) | undefined;
  private holders = 0;
  private peakHolders = 0;

  // The waiters, a ring buffer in arrival order; a withdrawn waiter leaves a hole (fn null).
  private fns: Array<GrantFn | null> = [];
  private args: unknown[] = [];
  private sinceUs: number[] = [];
  private head = 0;
  /** Entries between head and tail, holes included. */
  private span = 0;
  /** The ticket of the entry at head; tickets count every waiter ever queued. */
  private headTicket = 0;
  private waiting = 0;
  private peakWaiting = 0;
  private granting = false;

  private grantCount = 0;
  private lastWait = 0;
  private waitTotal = 0;
  private waitMax = 0;

  constructor(
    private readonly scheduler: Scheduler,
    readonly capacity: number,
    options: ResourceOptions = {},
  ) {
    this.name = options.name ?? "resource";
    if (!(Number.isSafeInteger(capacity) && capacity >= 1)) {
      throw new SimulationError(`${this.name}: capacity must be a whole number ≥ 1, got ${capacity}`);
    }
    this.queueMax = options.queueMax ?? QUEUE_MAX_DEFAULT;
    this.onGrant = options.onGrant;
  }

  /** Holders now. */
  get inUse(): number {
    return this.holders;
  }

  /** The most holders at once so far. */
  get peakInUse(): number {
    return this.peakHolders;
  }

  /** Waiters now (withdrawn ones not counted). */
  get queueLength(): number {
    return this.waiting;
  }

  /** The most waiters at once so far. */
  get peakQueueLength(): number {
    return this.peakWaiting;
  }

  /** Grants so far, immediate ones included. */
  get grants(): number {
    return this.grantCount;
  }

  /** How long the latest grant waited. */
  get lastWaitUs(): number {
    return this.lastWait;
  }

  /** The sum of every grant's wait (divide by `grants` for the mean). */
  get waitUsTotal(): number {
    return this.waitTotal;
  }

  /** The longest wait of any grant so far. */
  get waitUsMax(): number {
    return this.waitMax;
  }

  /**
   * Asks for the resource; `fn(arg, waitUs)` runs once it is granted, and the holder must call
   * `release()` when done. Grants go strictly in arrival order. Returns GRANTED_AT_ONCE (fn has already
   * run) or a ticket for `withdraw`.
   */
  acquire<A>(fn: (arg: A, waitUs: number) => void, arg: A): number {
    if (this.holders < this.capacity && this.waiting === 0) {
      this.holders++;
      if (this.holders > this.peakHolders) this.peakHolders = this.holders;
      this.granted(0);
      fn(arg, 0);
      return GRANTED_AT_ONCE;
    }
    if (this.waiting >= this.queueMax) {
      throw new SimulationError(
        `${this.name}: more than ${this.queueMax} waiting at virtual time ${this.scheduler.nowUs}us`,
      );
    }
    if (this.span === this.fns.length) this.grow();
    const at = (this.head + this.span) % this.fns.length;
    this.fns[at] = fn as GrantFn;
    this.args[at] = arg;
    this.sinceUs[at] = this.scheduler.nowUs;
    const ticket = this.headTicket + this.span;
    this.span++;
    this.waiting++;
    if (this.waiting > this.peakWaiting) this.peakWaiting = this.waiting;
    return ticket;
  }

  /**
   * Leaves the queue without being served (a request that timed out). Returns true if the ticket was
   * still waiting; false if it was already granted or withdrawn (nothing happens then).
   */
  withdraw(ticket: number): boolean {
    const offset = ticket - this.headTicket;
    if (!Number.isSafeInteger(ticket) || offset < 0 || offset >= this.span) return false;
    const at = (this.head + offset) % this.fns.length;
    if (this.fns[at] === null) return false;
    this.fns[at] = null;
    this.args[at] = undefined;
    this.waiting--;
    return true;
  }

  /** Gives the resource back; the longest waiter, if any, is granted it at once. */
  release(): void {
    if (this.holders === 0) throw new SimulationError(`${this.name}: released more often than acquired`);
    this.holders--;
    if (this.granting) return; // the loop below, further up the stack, grants it
    this.granting = true;
    try {
      while (this.holders < this.capacity && this.waiting > 0) {
        const at = this.head;
        const fn = this.fns[at] as GrantFn | null;
        const arg = this.args[at];
        const sinceUs = this.sinceUs[at] as number;
        this.fns[at] = null;
        this.args[at] = undefined;
        this.head = (at + 1) % this.fns.length;
        this.headTicket++;
        this.span--;
        if (fn === null) continue; // withdrawn
        this.waiting--;
        this.holders++;
        if (this.holders > this.peakHolders) this.peakHolders = this.holders;
        const waitUs = this.scheduler.nowUs - sinceUs;
        this.granted(waitUs);
        fn(arg as never, waitUs);
      }
      // Holes left at the front by withdrawn waiters are dropped too, so `span` stays small.
      while (this.span > 0 && this.fns[this.head] === null) {
        this.head = (this.head + 1) % this.fns.length;
        this.headTicket++;
        this.span--;
      }
    } finally {
      this.granting = false;
    }
  }

  private granted(waitUs: number): void {
    this.grantCount++;
    this.lastWait = waitUs;
    this.waitTotal += waitUs;
    if (waitUs > this.waitMax) this.waitMax = waitUs;
    this.onGrant?.(waitUs);
  }

  /** Doubles the ring, unrolling it so head is at 0. */
  private grow(): void {
    const size = Math.max(16, this.fns.length * 2);
    const fns: Array<GrantFn | null> = new Array(size).fill(null);
    const args: unknown[] = new Array(size).fill(undefined);
    const sinceUs: number[] = new Array(size).fill(0);
    for (let i = 0; i < this.span; i++) {
      const from = (this.head + i) % this.fns.length;
      fns[i] = this.fns[from] as GrantFn | null;
      args[i] = this.args[from];
      sinceUs[i] = this.sinceUs[from] as number;
    }
    this.fns = fns;
    this.args = args;
    this.sinceUs = sinceUs;
    this.head = 0;
  }
}
