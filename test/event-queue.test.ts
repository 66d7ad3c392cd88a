// Guards the kernel's ordering: events run by time, and events at the same instant in scheduling order,
// however the calendar queue is sized (growing, shrinking, re-measuring its day width, searching an
// empty year), with cancellations in between.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../sim/core/eventQueue.ts";
import { Scheduler, SimulationError } from "../sim/core/scheduler.ts";

/** Pops everything, returning what each event's fn returns. */
function drain(q: EventQueue): unknown[] {
  const out: unknown[] = [];
  while (q.peekTimeUs() !== Number.POSITIVE_INFINITY) {
    const slot = q.pop();
    const fn = q.fns[slot] as (arg: unknown) => unknown;
    const arg = q.args[slot];
    q.free(slot);
    out.push(fn(arg));
  }
  return out;
}

describe("EventQueue", () => {
  it("pops by time, then by the order events were pushed", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => {
          q.push(t, 0, 1, () => [t, i], undefined, undefined);
        });
        const expected = times
          .map((t, i) => [t, i] as [number, number])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(drain(q)).toEqual(expected);
      }),
    );
  });

  it("keeps (time, priority high to low, scheduling order) through pushes, pops and cancels", () => {
    type Op = { op: "push"; t: number; p: number } | { op: "pop" } | { op: "cancel"; which: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        op: fc.constant("push" as const),
        t: fc.integer({ min: 0, max: 30 }),
        p: fc.integer({ min: -8, max: 7 }),
      }),
      fc.record({ op: fc.constant("pop" as const) }),
      fc.record({ op: fc.constant("cancel" as const), which: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const q = new EventQueue();
        // The model: every event ever pushed, and whether it still waits.
        const events: Array<{ t: number; p: number; seq: number; handle: number; waiting: boolean }> = [];
        let floorUs = 0;
        for (const o of ops) {
          if (o.op === "push") {
            const t = floorUs + o.t;
            const seq = events.length;
            const handle = q.handle(q.push(t, o.p, 1, () => seq, undefined, undefined));
            events.push({ t, p: o.p, seq, handle, waiting: true });
          } else if (o.op === "cancel") {
            if (events.length === 0) continue;
            const e = events[o.which % events.length] as (typeof events)[number];
            const slot = q.slotOf(e.handle);
            expect(slot >= 0).toBe(e.waiting);
            if (slot >= 0) q.kill(slot);
            e.waiting = false;
            // A second cancel, or one after the slot went to another event, finds nothing.
            expect(q.slotOf(e.handle)).toBe(-1);
          } else {
            const waiting = events.filter((e) => e.waiting);
            const nextUs = q.peekTimeUs();
            if (waiting.length === 0) {
              expect(nextUs).toBe(Number.POSITIVE_INFINITY);
              continue;
            }
            waiting.sort((a, b) => a.t - b.t || b.p - a.p || a.seq - b.seq);
            const first = waiting[0] as (typeof events)[number];
            const slot = q.pop();
            expect([nextUs, (q.fns[slot] as () => number)()]).toEqual([first.t, first.seq]);
            q.free(slot);
            first.waiting = false;
            floorUs = nextUs;
          }
          expect(q.size).toBe(events.filter((e) => e.waiting).length);
        }
        const rest = events.filter((e) => e.waiting).sort((a, b) => a.t - b.t || b.p - a.p || a.seq - b.seq);
        expect(drain(q)).toEqual(rest.map((e) => e.seq));
        for (const e of events) expect(q.slotOf(e.handle)).toBe(-1);
      }),
    );
  });

  it("tells a slot's uses apart past its 512th, where handles leave the small integers", () => {
    const q = new EventQueue();
    const handles: number[] = [];
    for (let use = 0; use < 1200; use++) {
      handles.push(q.handle(q.push(use, 0, 1, () => use, undefined, undefined)));
      if (use < 1199) {
        expect(q.peekTimeUs()).toBe(use);
        q.free(q.pop());
      }
    }
    // One slot served every event, so the last handles are past 2^31 (boxed doubles in V8).
    expect(new Set(handles.map((h) => h % 2 ** 22)).size).toBe(1);
    expect(handles.at(-1) as number).toBeGreaterThan(2 ** 31);
    expect(new Set(handles).size).toBe(handles.length);
    for (const h of handles.slice(0, -1)) expect(q.slotOf(h)).toBe(-1);
    const live = q.slotOf(handles.at(-1) as number);
    expect(live).toBeGreaterThanOrEqual(0);
    q.kill(live);
    expect(q.size).toBe(0);
    expect(q.slotOf(handles.at(-1) as number)).toBe(-1);
  });

  it("keeps order and frees the dead when most of a large heap is cancelled", () => {
    const q = new EventQueue();
    const handles: number[] = [];
    for (let i = 0; i < 5000; i++)
      handles.push(q.handle(q.push(i % 97, 0, 1, () => i, undefined, undefined)));
    for (let i = 0; i < 5000; i++) if (i % 5 !== 0) q.kill(q.slotOf(handles[i] as number));
    expect(q.size).toBe(1000);
    const expected = [...Array(5000).keys()]
      .filter((i) => i % 5 === 0)
      .sort((a, b) => (a % 97) - (b % 97) || a - b);
    expect(drain(q)).toEqual(expected);
    for (const h of handles) expect(q.slotOf(h)).toBe(-1);
  });
});

/** Times spread from one microsecond to the largest safe integer, with many ties. */
const timeArb = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0, max: 1000 }),
  fc.integer({ min: 0, max: 5_000_000 }),
  fc.integer({ min: 0, max: 2 ** 40 }),
  fc.constantFrom(0, 2 ** 31, 2 ** 32, 2 ** 52, Number.MAX_SAFE_INTEGER),
);

describe("EventQueue as a calendar", () => {
  it("keeps (time, priority, scheduling order) through growth, shrinking and wide jumps in time", () => {
    type Op =
      | { op: "push"; t: number; p: number; n: number }
      | { op: "pop"; n: number }
      | { op: "cancel"; which: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      // A burst of n events at times after the last one run (several share a time when n > 1).
      fc.record({
        op: fc.constant("push" as const),
        t: timeArb,
        p: fc.oneof(fc.constant(0), fc.integer({ min: -8, max: 7 })),
        n: fc.integer({ min: 1, max: 80 }),
      }),
      fc.record({ op: fc.constant("pop" as const), n: fc.integer({ min: 1, max: 120 }) }),
      fc.record({ op: fc.constant("cancel" as const), which: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), fc.nat(), (ops, salt) => {
        const q = new EventQueue();
        const events: Array<{ t: number; p: number; seq: number; handle: number; waiting: boolean }> = [];
        const order = (a: (typeof events)[number], b: (typeof events)[number]) =>
          a.t - b.t || b.p - a.p || a.seq - b.seq;
        let floorUs = 0;
        for (const o of ops) {
          if (o.op === "push") {
            for (let i = 0; i < o.n; i++) {
              // Some of a burst share its time exactly; the rest spread just after it.
              const t = Math.min(
                Number.MAX_SAFE_INTEGER,
                floorUs + o.t + ((i * (salt + 1)) % 3 === 0 ? 0 : i),
              );
              const seq = events.length;
              const handle = q.handle(q.push(t, o.p, 1, () => seq, undefined, undefined));
              events.push({ t, p: o.p, seq, handle, waiting: true });
            }
          } else if (o.op === "cancel") {
            const waiting = events.filter((e) => e.waiting);
            if (waiting.length === 0) continue;
            const e = waiting[o.which % waiting.length] as (typeof events)[number];
            const slot = q.slotOf(e.handle);
            expect(slot).toBeGreaterThanOrEqual(0);
            q.kill(slot);
            e.waiting = false;
            expect(q.slotOf(e.handle)).toBe(-1);
          } else {
            const waiting = events.filter((e) => e.waiting).sort(order);
            for (const first of waiting.slice(0, o.n)) {
              const nextUs = q.peekTimeUs();
              const slot = q.pop();
              expect([nextUs, (q.fns[slot] as () => number)()]).toEqual([first.t, first.seq]);
              q.free(slot);
              first.waiting = false;
              floorUs = nextUs;
            }
          }
          expect(q.size).toBe(events.filter((e) => e.waiting).length);
        }
        const rest = events.filter((e) => e.waiting).sort(order);
        expect(q.liveSlots().map((slot) => (q.fns[slot] as () => number)())).toEqual(rest.map((e) => e.seq));
        expect(drain(q)).toEqual(rest.map((e) => e.seq));
        expect(q.peekTimeUs()).toBe(Number.POSITIVE_INFINITY);
      }),
      { numRuns: 300 },
    );
  });

  it("runs 20,000 events at one instant in scheduling order, around events before and after it", () => {
    const q = new EventQueue();
    const expected: number[] = [];
    const later: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Every third event is elsewhere in time: before the instant, or long after it.
      const t = i % 3 === 0 ? 1_000 : i % 3 === 1 ? 999 - (i % 999) : 5_000_000 + i;
      q.push(t, 0, 1, () => i, undefined, undefined);
      if (t === 1_000) expected.push(i);
      else if (t > 1_000) later.push(i);
    }
    const out = drain(q);
    const at1000 = out.filter((i) => (i as number) % 3 === 0);
    expect(at1000).toEqual(expected);
    expect(out.slice(-later.length)).toEqual(later);
  });

  it("keeps same-instant order when the queue grows, shrinks and jumps a long empty stretch", () => {
    const q = new EventQueue();
    // Ties far ahead, then a crowd that grows the calendar, then most of the crowd cancelled (it
    // shrinks): each rebuild re-links the ties, and reaching them passes a long stretch with no event.
    const farUs = 2 ** 45;
    const tied = [0, 1, 2, 3, 4, 5].map((k) =>
      q.handle(q.push(farUs, k % 2 === 0 ? 0 : 1, 1, () => k, undefined, undefined)),
    );
    const crowd = Array.from({ length: 3000 }, (_, i) =>
      q.handle(q.push(10 * i, 0, 1, () => -1, undefined, undefined)),
    );
    for (let i = 0; i < 3000; i++) if (i % 100 !== 0) q.kill(q.slotOf(crowd[i] as number));
    expect(q.size).toBe(36);
    expect(tied.every((h) => q.slotOf(h) >= 0)).toBe(true);
    const out = drain(q).filter((k) => (k as number) >= 0);
    // Priority 1 first (1, 3, 5), then priority 0 (0, 2, 4), each in scheduling order.
    expect(out).toEqual([1, 3, 5, 0, 2, 4]);
  });
});

describe("Scheduler", () => {
  it("runs same-instant events in scheduling order, including ones scheduled while running", async () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.at(10, () => {
      log.push("a");
      s.after(0, () => log.push("c"));
    });
    s.at(10, () => log.push("b"));
    s.at(5, () => log.push("first"));
    const stats = await s.run(1000, 100);
    expect(log).toEqual(["first", "a", "b", "c"]);
    expect(stats).toEqual({ endReason: "idle", events: 4, endUs: 10 });
  });

  it("stops at the duration without running events at or after it", async () => {
    const s = new Scheduler();
    const log: number[] = [];
    for (const t of [1, 99, 100, 150]) s.at(t, () => log.push(t));
    const stats = await s.run(100, 100);
    expect(log).toEqual([1, 99]);
    expect(stats.endReason).toBe("duration");
    expect(stats.endUs).toBe(100);
  });

  it("fails with a clear error past the event limit", async () => {
    const s = new Scheduler();
    const tick = () => s.after(1, tick);
    s.at(0, tick);
    await expect(s.run(1_000_000, 50)).rejects.toThrow(SimulationError);
    await expect(new Scheduler().run(1, 0)).resolves.toMatchObject({ endReason: "idle" });
  });

  it("delivers backend results at the continuation's time whatever order the promises settle in", async () => {
    const s = new Scheduler();
    const log: string[] = [];
    let resolveSlow: (v: string) => void = () => {};
    const slow = new Promise<string>((r) => {
      resolveSlow = r;
    });
    s.at(0, () => {
      s.afterResult(slow, 10, (v) => log.push(`slow:${v}@${s.nowUs}`));
      s.afterResult(Promise.resolve("fast"), 20, (v) => log.push(`fast:${v}@${s.nowUs}`));
      s.afterResult("sync", 5, (v) => log.push(`sync:${v}@${s.nowUs}`));
    });
    const done = s.run(100, 100);
    await Promise.resolve();
    resolveSlow("x");
    await done;
    expect(log).toEqual(["sync:sync@5", "slow:x@10", "fast:fast@20"]);
  });

  it("turns a rejected backend request into a failed run", async () => {
    const s = new Scheduler();
    s.at(0, () => s.afterResult(Promise.reject(new Error("gone")), 1, () => {}));
    await expect(s.run(100, 100)).rejects.toThrow("gone");
  });

  it("ticks at each interval boundary before later events, without keeping an idle run alive", async () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.setTicker(10, (b) => log.push(`tick${b}`));
    s.at(5, () => log.push("e5"));
    s.at(10, () => log.push("e10"));
    s.at(35, () => log.push("e35"));
    const stats = await s.run(1000, 100);
    expect(log).toEqual(["e5", "tick10", "e10", "tick20", "tick30", "e35"]);
    expect(stats.endUs).toBe(35);
  });
});
