// A binary min-heap of events ordered by (time, scheduling order). The sequence number makes the order
// of events at the same instant the order in which they were scheduled, so nothing depends on heap
// internals. An event is a function and the one argument it is called with: hot paths pass a shared
// function and a per-operation object instead of allocating a closure per step. Kept free of any
// knowledge of caches, like the rest of sim/core.

export type EventFn<A> = (arg: A) => unknown;

export interface QueuedEvent {
  timeUs: number;
  seq: number;
  fn: EventFn<unknown>;
  arg: unknown;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeUs < b.timeUs || (a.timeUs === b.timeUs && a.seq < b.seq);
}

export class EventQueue {
  private readonly heap: QueuedEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push<A>(timeUs: number, fn: EventFn<A>, arg: A): void {
    const heap = this.heap;
    const event: QueuedEvent = { timeUs, seq: this.nextSeq++, fn: fn as EventFn<unknown>, arg };
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as QueuedEvent;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peekTimeUs(): number {
    const top = this.heap[0];
    return top === undefined ? Number.POSITIVE_INFINITY : top.timeUs;
  }

  pop(): QueuedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as QueuedEvent, heap[left] as QueuedEvent)) child = right;
      const c = heap[child] as QueuedEvent;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** The queued events in the order they would run (a copy; for end-of-run checks, not the hot path). */
  snapshot(): QueuedEvent[] {
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1));
  }
}
