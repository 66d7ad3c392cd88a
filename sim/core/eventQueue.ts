// A binary min-heap of events ordered by (time, priority, scheduling order). The sequence number makes
// the order of events at the same instant (and priority) the order in which they were scheduled, so
// nothing depends on heap internals. An event is a function and the argument(s) it is called with: hot
// paths pass a shared function and a per-operation object instead of allocating a closure per step.
//
// Nothing is allocated per event. The heap is three parallel typed arrays (time, order key, slot), and
// an event's payload lives in a numbered slot that is reused once the event has run. A slot plus its
// generation (how often it was reused) is the event's handle, so cancelling an event that already ran
// is a harmless no-op even after its slot went to another event. Cancelled events stay in the heap,
// marked dead, and are dropped when they reach the top (lazy deletion), or all at once when they make
// up most of the heap. Kept free of any knowledge of caches, like the rest of sim/core.

import { SimulationError } from "./simulationError.ts";

export type EventFn<A> = (arg: A) => unknown;

/** At most this many events may be waiting at once (a limit on a run that schedules without end). */
export const PENDING_EVENTS_MAX = 2 ** 22;
/** A slot is retired after this many uses, so a handle (generation × slots + slot) stays exact. */
const GENERATIONS_MAX = 2 ** 31;

/** Priorities are whole numbers in [PRIORITY_MIN, PRIORITY_MAX]; higher runs first at one instant. */
export const PRIORITY_MIN = -8;
export const PRIORITY_MAX = 7;
/** The order key is (PRIORITY_MAX - priority) × SEQ_SPAN + seq: one number, exact below 2^53. */
const SEQ_SPAN = 2 ** 49;

const INITIAL_CAPACITY = 64;

/** A slot's kind is 0 when it is free or its event was cancelled; any other value is the caller's. */
export const DEAD = 0;

export class EventQueue {
  // The heap, by position.
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapKey = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private length = 0;
  private dead = 0;

  // The slots, by slot number. Read them between pop() and free().
  readonly fns: Array<((...args: never[]) => unknown) | null> = [];
  readonly args: unknown[] = [];
  readonly values: unknown[] = [];
  readonly kinds: number[] = [];
  private generations = new Float64Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotsMade = 0;
  private nextSeq = 0;

  /** Events in the heap that were not cancelled. */
  get size(): number {
    return this.length - this.dead;
  }

  /**
   * Queues an event and returns its handle. `kind` (1-255) is stored for the caller, as are `fn`, `arg`
   * and `value`. The caller has checked timeUs and priority.
   */
  push(
    timeUs: number,
    priority: number,
    kind: number,
    fn: (...args: never[]) => unknown,
    arg: unknown,
    value: unknown,
  ): number {
    const slot = this.freeCount > 0 ? (this.freeSlots[--this.freeCount] as number) : this.newSlot();
    this.kinds[slot] = kind;
    this.fns[slot] = fn;
    this.args[slot] = arg;
    this.values[slot] = value;
    const seq = this.nextSeq++;
    if (seq >= SEQ_SPAN) throw new SimulationError(`more than ${SEQ_SPAN} events scheduled in one run`);
    const key = (PRIORITY_MAX - priority) * SEQ_SPAN + seq;

    let i = this.length;
    if (i === this.heapSlot.length) this.growHeap();
    this.length = i + 1;
    const time = this.heapTime;
    const keys = this.heapKey;
    const slots = this.heapSlot;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = time[parent] as number;
      if (pt < timeUs || (pt === timeUs && (keys[parent] as number) < key)) break;
      time[i] = pt;
      keys[i] = keys[parent] as number;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    time[i] = timeUs;
    keys[i] = key;
    slots[i] = slot;
    return (this.generations[slot] as number) * PENDING_EVENTS_MAX + slot;
  }

  /** The time of the next live event (dropping cancelled ones on top), or +Infinity when there is none. */
  peekTimeUs(): number {
    while (this.length > 0) {
      const top = this.heapSlot[0] as number;
      if (this.kinds[top] !== DEAD) return this.heapTime[0] as number;
      this.removeTop();
      this.dead--;
      this.free(top);
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Takes the next event off the heap and returns its slot; call peekTimeUs() first (it drops cancelled
   * events). Read the slot's fns/args/values/kinds, then free() it.
   */
  pop(): number {
    const slot = this.heapSlot[0] as number;
    this.removeTop();
    return slot;
  }

  /** Returns a slot for reuse once its event has run (or was dropped). */
  free(slot: number): void {
    this.kinds[slot] = DEAD;
    this.fns[slot] = null;
    this.args[slot] = undefined;
    this.values[slot] = undefined;
    const generation = (this.generations[slot] as number) + 1;
    if (generation === GENERATIONS_MAX) return; // retired: its handles could otherwise repeat
    this.generations[slot] = generation;
    this.freeSlots[this.freeCount++] = slot;
  }

  /** The slot of a handle whose event is still waiting (not run, not cancelled), or -1. */
  slotOf(handle: number): number {
    if (!Number.isSafeInteger(handle) || handle < 0) return -1;
    const slot = handle % PENDING_EVENTS_MAX;
    if (slot >= this.slotsMade) return -1;
    if (this.generations[slot] !== (handle - slot) / PENDING_EVENTS_MAX) return -1;
    return this.kinds[slot] === DEAD ? -1 : slot;
  }

  /** Cancels the waiting event in `slot` (from slotOf): it stays in the heap, dead, until dropped. */
  kill(slot: number): void {
    this.kinds[slot] = DEAD;
    this.fns[slot] = null;
    this.args[slot] = undefined;
    this.values[slot] = undefined;
    this.dead++;
    // Lazy deletion keeps cancelling O(1); rebuilding once the dead are most of the heap keeps memory
    // proportional to the live events.
    if (this.dead > 1024 && this.dead * 2 > this.length) this.compact();
  }

  /** The live events' slots in the order they would run (a copy; for end-of-run checks). */
  liveSlots(): number[] {
    const order: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.kinds[this.heapSlot[i] as number] !== DEAD) order.push(i);
    order.sort(
      (a, b) =>
        (this.heapTime[a] as number) - (this.heapTime[b] as number) ||
        (this.heapKey[a] as number) - (this.heapKey[b] as number),
    );
    return order.map((i) => this.heapSlot[i] as number);
  }

  private removeTop(): void {
    const last = --this.length;
    if (last === 0) return;
    const time = this.heapTime;
    const keys = this.heapKey;
    const slots = this.heapSlot;
    const t = time[last] as number;
    const k = keys[last] as number;
    const s = slots[last] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      let ct = time[c] as number;
      let ck = keys[c] as number;
      const r = c + 1;
      if (r < last) {
        const rt = time[r] as number;
        const rk = keys[r] as number;
        if (rt < ct || (rt === ct && rk < ck)) {
          c = r;
          ct = rt;
          ck = rk;
        }
      }
      if (t < ct || (t === ct && k < ck)) break;
      time[i] = ct;
      keys[i] = ck;
      slots[i] = slots[c] as number;
      i = c;
    }
    time[i] = t;
    keys[i] = k;
    slots[i] = s;
  }

  /** Drops every dead event from the heap and restores the heap order. */
  private compact(): void {
    const time = this.heapTime;
    const keys = this.heapKey;
    const slots = this.heapSlot;
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const slot = slots[i] as number;
      if (this.kinds[slot] === DEAD) {
        this.free(slot);
        continue;
      }
      time[n] = time[i] as number;
      keys[n] = keys[i] as number;
      slots[n] = slot;
      n++;
    }
    this.length = n;
    this.dead = 0;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const n = this.length;
    const time = this.heapTime;
    const keys = this.heapKey;
    const slots = this.heapSlot;
    const t = time[start] as number;
    const k = keys[start] as number;
    const s = slots[start] as number;
    let i = start;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (
        r < n &&
        ((time[r] as number) < (time[c] as number) ||
          (time[r] === time[c] && (keys[r] as number) < (keys[c] as number)))
      )
        c = r;
      const ct = time[c] as number;
      if (t < ct || (t === ct && k < (keys[c] as number))) break;
      time[i] = ct;
      keys[i] = keys[c] as number;
      slots[i] = slots[c] as number;
      i = c;
    }
    time[i] = t;
    keys[i] = k;
    slots[i] = s;
  }

  private newSlot(): number {
    const slot = this.slotsMade;
    if (slot >= PENDING_EVENTS_MAX) {
      throw new SimulationError(
        `more than ${PENDING_EVENTS_MAX} events waiting at once: the scenario schedules work faster than it completes`,
      );
    }
    this.slotsMade++;
    if (slot === this.generations.length) {
      const generations = new Float64Array(slot * 2);
      generations.set(this.generations);
      this.generations = generations;
      const freeSlots = new Int32Array(slot * 2);
      freeSlots.set(this.freeSlots);
      this.freeSlots = freeSlots;
    }
    this.kinds.push(DEAD);
    this.fns.push(null);
    this.args.push(undefined);
    this.values.push(undefined);
    return slot;
  }

  private growHeap(): void {
    const capacity = this.heapSlot.length * 2;
    const time = new Float64Array(capacity);
    time.set(this.heapTime);
    this.heapTime = time;
    const keys = new Float64Array(capacity);
    keys.set(this.heapKey);
    this.heapKey = keys;
    const slots = new Int32Array(capacity);
    slots.set(this.heapSlot);
    this.heapSlot = slots;
  }
}
