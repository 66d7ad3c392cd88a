// The queue of waiting events, ordered by time, then priority (higher first), then the order in which
// they were scheduled, so the order of events at one instant never depends on the queue's internals.
// An event is a function and the argument(s) it is called with: hot paths pass a shared function and a
// per-operation object instead of allocating a closure per step.
//
// A calendar queue (R. Brown, "Calendar queues", CACM 31(10), 1988): time is cut into days of
// `widthUs` microseconds (a power of two, so a day number is exact), and the days into a year of
// `buckets` days. Day d's events wait in bucket d mod buckets, on a list in the order they will run,
// with the events of later years behind them. The next event is the head of the current day's bucket
// if it falls on the current day; otherwise the day moves on. With a day about three gaps between
// events wide and a bucket or more per event, a push and a pop each touch one or two list nodes
// however many events wait, where a binary heap of a thousand events makes ten unpredictable
// comparisons per pop. The calendar is rebuilt, its day width measured afresh on the earliest events,
// when the events outgrow the buckets or fall well below them, and whenever pushes and pops have been
// walking too far (the events' spacing changed). A year without a single event in it ends in a direct
// search for the earliest event.
//
// A new event goes behind every event of its time and priority already waiting: that is scheduling
// order, with no sequence number to store or compare. A rebuild re-links the events bucket by bucket
// in list order, which keeps it.
//
// Nothing is allocated per event. An event's payload and its list link live in a numbered slot, reused
// once the event has run. A slot plus its generation (how often it was reused) is the event's handle,
// so cancelling an event that already ran is a harmless no-op even after its slot went to another
// event. A cancelled event is unlinked from its list at once. Kept free of any knowledge of caches,
// like the rest of sim/core.

import { SimulationError } from "./simulationError.ts";

/** At most this many events may be waiting at once (a limit on a run that schedules without end). */
export const PENDING_EVENTS_MAX = 2 ** 22;
/** A slot is retired after this many uses, so a handle (generation × slots + slot) stays exact. */
const GENERATIONS_MAX = 2 ** 31;

/** Priorities are whole numbers in [PRIORITY_MIN, PRIORITY_MAX]; higher runs first at one instant. */
export const PRIORITY_MIN = -8;
export const PRIORITY_MAX = 7;

const INITIAL_SLOTS = 64;
/** Slots are made this many at a time, when no free one is left. */
const SLOTS_BATCH = 64;

/** A slot's kind is 0 when it is free; any other value is the caller's. */
export const DEAD = 0;

/** The end of a bucket's list, and an empty bucket. */
const NONE = -1;
/** The calendar never has fewer buckets than this (a power of two). */
const BUCKETS_MIN = 16;
/**
 * The calendar grows once the events outnumber its buckets. A new event goes on its bucket's list behind
 * every event that runs before it, so the more events a bucket holds, the further a push walks: allowed
 * two a bucket, 60 % of the pushes in `npm run bench:kernel` went in front of the tail. One a bucket ran
 * that benchmark about 1.5 % faster (medians of 9 alternating runs), for a calendar twice as long, at 8
 * bytes a bucket.
 */
const EVENTS_PER_BUCKET_MAX = 1;
/** Enough buckets for PENDING_EVENTS_MAX events at two a bucket (the heads and tails: 16 MiB). */
const BUCKETS_MAX = PENDING_EVENTS_MAX / 2;
/** The widest day, 2^40 µs (about 12.7 days of virtual time). */
const WIDTH_LOG2_MAX = 40;
/** How many of the earliest events the day width is measured on (Brown's figure). */
const SAMPLE_EVENTS = 25;
/** A day is this many average gaps between the earliest events wide (Brown's figure). */
const GAPS_PER_DAY = 3;
/** Pushes between two looks at how far pushes and pops walk (at least; more for a large calendar). */
const REVIEW_PUSHES_MIN = 4096;
/** More list nodes and empty days than this per push, over a review's pushes, rebuilds the calendar. */
const STEPS_PER_PUSH_MAX = 8;

export class EventQueue {
  // The slots, by slot number. Read fns/args/values/kinds between pop() and free().
  readonly fns: Array<((...args: never[]) => unknown) | null> = [];
  readonly args: unknown[] = [];
  readonly values: unknown[] = [];
  readonly kinds: number[] = [];
  private times = new Float64Array(INITIAL_SLOTS);
  private priorities = new Int8Array(INITIAL_SLOTS);
  /** The next slot on the same bucket's list, or NONE. */
  private nexts = new Int32Array(INITIAL_SLOTS);
  private generations = new Float64Array(INITIAL_SLOTS);
  private freeSlots = new Int32Array(INITIAL_SLOTS);
  private freeCount = 0;
  private slotsMade = 0;

  // The calendar.
  private heads = new Int32Array(BUCKETS_MIN).fill(NONE);
  private tails = new Int32Array(BUCKETS_MIN).fill(NONE);
  /** buckets - 1 (buckets is a power of two). */
  private mask = BUCKETS_MIN - 1;
  private widthUs = 1;
  /** 1 / widthUs, exact: a day number is floor(time × dayScale). */
  private dayScale = 1;
  /** No waiting event falls on an earlier day than this one. */
  private day = 0;
  /** Where the current day ends: (day + 1) × widthUs. */
  private dayEndUs = 1;
  private count = 0;
  /** More events than this outgrow the buckets; fewer than shrinkBelow leave most of them empty. */
  private growAbove = EVENTS_PER_BUCKET_MAX * BUCKETS_MIN;
  private shrinkBelow = 0;
  /** List nodes walked and empty days passed since the last review, and pushes until the next one. */
  private steps = 0;
  private reviewPushes = REVIEW_PUSHES_MIN;
  private untilReview = REVIEW_PUSHES_MIN;

  /** Events waiting (cancelled ones are gone at once). */
  get size(): number {
    return this.count;
  }

  /**
   * Queues an event and returns its slot (handle(slot) is what a caller hands out). `kind` (1-255) is
   * stored for the caller, as are `fn`, `arg` and `value`. The caller has checked timeUs and priority.
   */
  push(
    timeUs: number,
    priority: number,
    kind: number,
    fn: (...args: never[]) => unknown,
    arg: unknown,
    value: unknown,
  ): number {
    if (this.freeCount === 0) this.addSlots();
    const slot = this.freeSlots[--this.freeCount] as number;
    this.kinds[slot] = kind;
    this.fns[slot] = fn;
    this.args[slot] = arg;
    this.values[slot] = value;
    this.times[slot] = timeUs;
    this.priorities[slot] = priority;
    if (this.count++ === 0 || timeUs < this.dayEndUs - this.widthUs) this.startDay(timeUs);
    this.link(slot);
    if (--this.untilReview <= 0 || this.count > this.growAbove) this.review();
    return slot;
  }

  /**
   * The handle of the event in `slot`. Apart from push() because past a slot's 512th use the handle
   * is beyond the small integers V8 keeps unboxed: returned from push() it cost a 16-byte heap number
   * per event whenever push() was not inlined, and most callers never look at it. Computed here it is
   * dead code when unused.
   */
  handle(slot: number): number {
    return (this.generations[slot] as number) * PENDING_EVENTS_MAX + slot;
  }

  /** The time of the next event, or +Infinity when there is none. */
  peekTimeUs(): number {
    if (this.count === 0) return Number.POSITIVE_INFINITY;
    const head = this.heads[this.day & this.mask] as number;
    if (head !== NONE) {
      const timeUs = this.times[head] as number;
      // The head is its bucket's earliest event; it is the next one if it falls on this day.
      if (timeUs < this.dayEndUs) return timeUs;
    }
    this.nextDay();
    return this.times[this.heads[this.day & this.mask] as number] as number;
  }

  /**
   * Takes the next event off the queue and returns its slot; call peekTimeUs() just before (it finds
   * the event, at the head of the current day's bucket). Read the slot's fns/args/values/kinds, then
   * free() it.
   */
  pop(): number {
    const bucket = this.day & this.mask;
    const slot = this.heads[bucket] as number;
    const next = this.nexts[slot] as number;
    this.heads[bucket] = next;
    if (next === NONE) this.tails[bucket] = NONE;
    if (--this.count < this.shrinkBelow) this.rebuild((this.mask + 1) >> 1);
    return slot;
  }

  /**
   * Returns a slot for reuse once its event has run. Its function, argument and value are left in
   * place: the next push into the slot (most often the event's own successor, since free slots are
   * reused last-freed first) overwrites them, and clearing three entries of arrays that hold objects
   * cost about 1 % of `npm run bench:kernel`. What a freed slot still refers to is bounded by the most
   * events ever waiting at once.
   */
  free(slot: number): void {
    this.kinds[slot] = DEAD;
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

  /** Cancels the waiting event in `slot` (from slotOf): it leaves the queue and its slot is freed. */
  kill(slot: number): void {
    const bucket = Math.floor((this.times[slot] as number) * this.dayScale) & this.mask;
    const nexts = this.nexts;
    const next = nexts[slot] as number;
    let prev = NONE;
    for (let at = this.heads[bucket] as number; at !== slot; at = nexts[at] as number) prev = at;
    if (prev === NONE) this.heads[bucket] = next;
    else nexts[prev] = next;
    if (next === NONE) this.tails[bucket] = prev;
    this.free(slot);
    if (--this.count < this.shrinkBelow) this.rebuild((this.mask + 1) >> 1);
  }

  /** The waiting events' slots in the order they would run (a copy; for end-of-run checks). */
  liveSlots(): number[] {
    // Events of one time share a list, in running order; a stable sort keeps that order among them.
    return this.linkedSlots().sort(
      (a, b) =>
        (this.times[a] as number) - (this.times[b] as number) ||
        (this.priorities[b] as number) - (this.priorities[a] as number),
    );
  }

  /** Makes the day of `timeUs` the current one. */
  private startDay(timeUs: number): void {
    const day = Math.floor(timeUs * this.dayScale);
    this.day = day;
    this.dayEndUs = (day + 1) * this.widthUs;
  }

  /**
   * Moves on to the first day with an event on it (there is one). It returns nothing, and link() and
   * linkBefore() take a slot, not its time: past 2^31 µs (36 minutes of virtual time) a time is a
   * double, which V8 boxes in a fresh heap number whenever it crosses a call that is not inlined.
   */
  private nextDay(): void {
    const heads = this.heads;
    const times = this.times;
    const mask = this.mask;
    const widthUs = this.widthUs;
    let day = this.day;
    let dayEndUs = this.dayEndUs;
    let passed = 0;
    for (;;) {
      const head = heads[day & mask] as number;
      if (head !== NONE) {
        const timeUs = times[head] as number;
        if (timeUs < dayEndUs) {
          this.day = day;
          this.dayEndUs = dayEndUs;
          this.steps += passed;
          return;
        }
      }
      day++;
      dayEndUs += widthUs;
      if (++passed > mask) {
        // A whole year without an event: look for the earliest one directly.
        this.steps += passed;
        passed = 0;
        day = this.earliestDay();
        dayEndUs = (day + 1) * widthUs;
      }
    }
  }

  /**
   * The day of the earliest waiting event, found by looking at every bucket. Apart from nextDay(),
   * which runs every few events, so that this rare search does not weigh on its compiled code.
   */
  private earliestDay(): number {
    const times = this.times;
    let earliestUs = Number.POSITIVE_INFINITY;
    for (const at of this.heads)
      if (at !== NONE && (times[at] as number) < earliestUs) earliestUs = times[at] as number;
    return Math.floor(earliestUs * this.dayScale);
  }

  /**
   * Puts `slot` on its day's bucket list behind every event that runs before it or at its time and
   * priority: behind the tail when it can.
   */
  private link(slot: number): void {
    const timeUs = this.times[slot] as number;
    const priority = this.priorities[slot] as number;
    const bucket = Math.floor(timeUs * this.dayScale) & this.mask;
    const nexts = this.nexts;
    nexts[slot] = NONE;
    const tail = this.tails[bucket] as number;
    if (tail === NONE) {
      this.heads[bucket] = slot;
      this.tails[bucket] = slot;
      return;
    }
    const times = this.times;
    const tailUs = times[tail] as number;
    if (tailUs < timeUs || (tailUs === timeUs && (this.priorities[tail] as number) >= priority)) {
      nexts[tail] = slot;
      this.tails[bucket] = slot;
      return;
    }
    this.linkBefore(slot, bucket);
  }

  /** Puts `slot` somewhere before its bucket's tail: in front of the first event that runs after it. */
  private linkBefore(slot: number, bucket: number): void {
    const times = this.times;
    const nexts = this.nexts;
    const priorities = this.priorities;
    const timeUs = times[slot] as number;
    const priority = priorities[slot] as number;
    let prev = NONE;
    let at = this.heads[bucket] as number;
    let walked = 0;
    for (;;) {
      const atUs = times[at] as number;
      if (timeUs < atUs || (timeUs === atUs && priority > (priorities[at] as number))) break;
      prev = at;
      at = nexts[at] as number;
      walked++;
    }
    this.steps += walked;
    nexts[slot] = at;
    if (prev === NONE) this.heads[bucket] = slot;
    else nexts[prev] = slot;
  }

  /** Grows the calendar when the events outgrew it, or rebuilds it if pushes and pops walked too far. */
  private review(): void {
    let buckets = this.mask + 1;
    while (this.count > EVENTS_PER_BUCKET_MAX * buckets && buckets < BUCKETS_MAX) buckets *= 2;
    const walkedTooFar = this.untilReview <= 0 && this.steps > STEPS_PER_PUSH_MAX * this.reviewPushes;
    if (walkedTooFar || buckets !== this.mask + 1) this.rebuild(buckets);
    else if (this.untilReview <= 0) this.startReview();
  }

  private startReview(): void {
    this.steps = 0;
    this.reviewPushes = Math.max(REVIEW_PUSHES_MIN, this.count);
    this.untilReview = this.reviewPushes;
  }

  /** Every waiting event's slot, bucket by bucket, each bucket in list order. */
  private linkedSlots(): number[] {
    const slots: number[] = [];
    for (const head of this.heads)
      for (let at = head; at !== NONE; at = this.nexts[at] as number) slots.push(at);
    return slots;
  }

  /**
   * A calendar of `buckets` buckets, its day width measured on the earliest events: GAPS_PER_DAY
   * average gaps between the first SAMPLE_EVENTS, leaving out gaps over twice the average (Brown's
   * rule), rounded up to a power of two.
   */
  private rebuild(buckets: number): void {
    const slots = this.linkedSlots();
    const n = slots.length;
    const sampled = Math.min(n, SAMPLE_EVENTS);
    if (sampled >= 2) {
      const times = Float64Array.from(slots, (slot) => this.times[slot] as number).sort();
      const averageGapUs = ((times[sampled - 1] as number) - (times[0] as number)) / (sampled - 1);
      let kept = 0;
      let keptSpanUs = 0;
      for (let i = 1; i < sampled; i++) {
        const gapUs = (times[i] as number) - (times[i - 1] as number);
        if (gapUs <= 2 * averageGapUs) {
          kept++;
          keptSpanUs += gapUs;
        }
      }
      const wantUs = (GAPS_PER_DAY * keptSpanUs) / kept;
      const widthLog2 = Math.min(WIDTH_LOG2_MAX, Math.max(0, Math.ceil(Math.log2(wantUs))));
      this.widthUs = 2 ** widthLog2;
      this.dayScale = 2 ** -widthLog2;
    }
    this.mask = buckets - 1;
    this.growAbove = buckets < BUCKETS_MAX ? EVENTS_PER_BUCKET_MAX * buckets : PENDING_EVENTS_MAX;
    // An eighth of the growth point: a calendar halved stays well below its own.
    this.shrinkBelow = buckets > BUCKETS_MIN ? (EVENTS_PER_BUCKET_MAX * buckets) >> 3 : 0;
    this.heads = new Int32Array(buckets).fill(NONE);
    this.tails = new Int32Array(buckets).fill(NONE);
    // Bucket by bucket in list order: events of one time and priority keep their order.
    let earliestUs = Number.POSITIVE_INFINITY;
    for (const slot of slots) {
      const timeUs = this.times[slot] as number;
      if (timeUs < earliestUs) earliestUs = timeUs;
      this.link(slot);
    }
    this.startDay(n > 0 ? earliestUs : 0);
    this.startReview();
  }

  /**
   * Makes SLOTS_BATCH new slots and puts them on the free list, the lowest number on top. A batch at a
   * time so that push() calls this rarely: making one slot per call, it ran on each of the first
   * pushes, so V8 inlined it (growth of every slot array included) into each compiled copy of push(),
   * which made them slower to compile while a run warms up.
   */
  private addSlots(): void {
    const made = this.slotsMade;
    if (made >= PENDING_EVENTS_MAX) {
      throw new SimulationError(
        `more than ${PENDING_EVENTS_MAX} events waiting at once: the scenario schedules work faster than it completes`,
      );
    }
    const total = Math.min(PENDING_EVENTS_MAX, made + SLOTS_BATCH);
    let capacity = this.generations.length;
    while (capacity < total) capacity *= 2;
    if (capacity !== this.generations.length) this.grow(capacity);
    for (let slot = made; slot < total; slot++) {
      this.kinds.push(DEAD);
      this.fns.push(null);
      this.args.push(undefined);
      this.values.push(undefined);
    }
    const freeSlots = this.freeSlots;
    let freeCount = this.freeCount;
    for (let slot = total - 1; slot >= made; slot--) freeSlots[freeCount++] = slot;
    this.freeCount = freeCount;
    this.slotsMade = total;
  }

  /** Room for `capacity` slots (a power of two). */
  private grow(capacity: number): void {
    this.generations = grown(this.generations, new Float64Array(capacity));
    this.times = grown(this.times, new Float64Array(capacity));
    this.priorities = grown(this.priorities, new Int8Array(capacity));
    this.nexts = grown(this.nexts, new Int32Array(capacity));
    this.freeSlots = grown(this.freeSlots, new Int32Array(capacity));
  }
}

/** `bigger` with `array` copied into its start. */
function grown<T extends Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Int8Array<ArrayBuffer>>(
  array: T,
  bigger: T,
): T {
  bigger.set(array as never);
  return bigger;
}
