// Guards the kernel's primitives beyond plain events: cancellation, the answer-or-timeout combinator,
// background (daemon) events and tickers that never pin a run, and priorities at one instant.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EventHandle, Scheduler, SimulationError } from "../sim/core/scheduler.ts";

/** Lets promise callbacks run (more than enough microtask turns for an async function chain). */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("cancel", () => {
  it("runs exactly the events not cancelled before their time; cancelled ones are not events or work", async () => {
    // Each event: a time, and optionally the index of an event it cancels when it runs.
    const eventArb = fc.record({
      t: fc.integer({ min: 0, max: 50 }),
      cancels: fc.option(fc.nat(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (events, cancelledUpFront) => {
          const s = new Scheduler();
          const handles: EventHandle[] = [];
          const ran: number[] = [];
          const cancelResults: boolean[] = [];
          events.forEach((e, i) => {
            handles.push(
              s.at(e.t, () => {
                ran.push(i);
                if (e.cancels !== undefined)
                  cancelResults.push(s.cancel(handles[e.cancels % events.length] as EventHandle));
              }),
            );
          });
          const model = new Set(events.map((_, i) => i));
          for (const c of cancelledUpFront) {
            const i = c % events.length;
            expect(s.cancel(handles[i] as EventHandle)).toBe(model.delete(i));
          }
          const stats = await s.run(1000, 10_000);

          // The model: run in (time, index) order; a run event cancels its target if still waiting.
          const order = [...model].sort((a, b) => (events[a]?.t ?? 0) - (events[b]?.t ?? 0) || a - b);
          const expected: number[] = [];
          const expectedResults: boolean[] = [];
          for (const i of order) {
            if (!model.has(i)) continue;
            model.delete(i);
            expected.push(i);
            const target = events[i]?.cancels;
            if (target !== undefined) expectedResults.push(model.delete(target % events.length));
          }
          expect(ran).toEqual(expected);
          expect(cancelResults).toEqual(expectedResults);
          expect(stats.events).toBe(expected.length);
          // The run ends with the last event that ran, not a later cancelled one.
          expect(stats.endUs).toBe(expected.length > 0 ? events[expected.at(-1) as number]?.t : 0);
          expect(stats.endReason).toBe("idle");
          // Cancelling after the run, twice, or with a made-up handle changes nothing.
          for (const h of handles) expect(s.cancel(h)).toBe(false);
          expect(s.cancel(-1)).toBe(false);
          expect(s.cancel(1.5)).toBe(false);
          expect(s.workPending).toBe(0);
        },
      ),
    );
  });

  it("a handle stays dead after its slot is reused by later events", async () => {
    const s = new Scheduler();
    const ran: string[] = [];
    const first = s.at(1, () => ran.push("first"));
    await s.run(10, 10);
    const second = s.at(20, () => ran.push("second"));
    expect(s.cancel(first)).toBe(false);
    await s.run(100, 10);
    expect(ran).toEqual(["first", "second"]);
    expect(s.cancel(second)).toBe(false);
  });

  it("a cancelled backend answer is dropped, failure included", async () => {
    const s = new Scheduler();
    const got: string[] = [];
    s.at(0, () => {
      const h = s.afterResult(Promise.reject(new Error("nobody waits")), 5, () => got.push("answer"));
      s.after(2, () => expect(s.cancel(h)).toBe(true));
      const h2 = s.afterResult("sync", 5, (v) => got.push(v));
      s.after(1, () => s.cancel(h2));
    });
    await expect(s.run(100, 100)).resolves.toMatchObject({ endReason: "idle", events: 3, endUs: 2 });
    expect(got).toEqual([]);
  });
});

describe("afterResultNoHandle", () => {
  it("delivers plain and awaited answers in the same order and at the same times as afterResult", async () => {
    // The same mix of answers through each method: the logs must be equal, and only one gives handles.
    const logOf = async (noHandle: boolean) => {
      const s = new Scheduler();
      const log: string[] = [];
      const returned: unknown[] = [];
      s.at(0, () => {
        for (const [i, answer] of [Promise.resolve("a"), "b", Promise.resolve("c"), "d"].entries()) {
          const fn = (v: string) => log.push(`${v}@${s.nowUs}`);
          const delayUs = 10 - 2 * i;
          returned.push(
            noHandle ? s.afterResultNoHandle(answer, delayUs, fn, null) : s.afterResult(answer, delayUs, fn),
          );
        }
      });
      const stats = await s.run(100, 100);
      return { log, stats, returned };
    };
    const withHandles = await logOf(false);
    const without = await logOf(true);
    expect(without.log).toEqual(["d@4", "c@6", "b@8", "a@10"]);
    expect(without.log).toEqual(withHandles.log);
    expect(without.stats).toEqual(withHandles.stats);
    expect(without.returned).toEqual([undefined, undefined, undefined, undefined]);
    expect(withHandles.returned.every((h) => typeof h === "number")).toBe(true);
  });

  it("a failed answer fails the run, as with afterResult", async () => {
    const s = new Scheduler();
    s.at(0, () => s.afterResultNoHandle(Promise.reject(new Error("gone")), 3, () => {}, null));
    await expect(s.run(100, 100)).rejects.toThrow("gone");
  });
});

describe("afterResultWithin (answer or timeout)", () => {
  it("delivers exactly one of answer and timeout; a timed-out failure never fails the run", async () => {
    const caseArb = fc.record({
      delayUs: fc.integer({ min: 0, max: 100 }),
      timeoutUs: fc.integer({ min: 0, max: 100 }),
      outcome: fc.constantFrom("value", "resolve", "reject"),
      settleOrder: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 20 }), async (cases) => {
        const s = new Scheduler();
        const delivered = cases.map(() => [] as string[]);
        const settlers: Array<() => void> = [];
        s.at(0, () => {
          cases.forEach((c, i) => {
            let result: string | Promise<string> = `v${i}`;
            if (c.outcome !== "value") {
              result = new Promise<string>((resolve, reject) => {
                settlers.push(() =>
                  c.outcome === "resolve" ? resolve(`v${i}`) : reject(new Error(`failed ${i}`)),
                );
              });
            }
            s.afterResultWithin(
              result,
              c.delayUs,
              c.timeoutUs,
              (v) => delivered[i]?.push(`${v}@${s.nowUs}`),
              (n) => delivered[n]?.push(`timeout@${s.nowUs}`),
              i,
            );
          });
        });
        const done = s.run(1000, 1000).then(
          () => null,
          (e: Error) => e.message,
        );
        // Settle the backend promises in an arbitrary order, after the run has started.
        await settle();
        const order = settlers.map((f, i) => ({ f, k: (i * 7919 + (cases[0]?.settleOrder ?? 0)) % 101 }));
        for (const { f } of order.sort((a, b) => a.k - b.k)) f();
        const error = await done;

        const answered = cases.map((c) => c.delayUs < c.timeoutUs);
        const failing = cases
          .map((c, i) => ({ c, i }))
          .filter(({ c, i }) => answered[i] && c.outcome === "reject")
          .sort((a, b) => a.c.delayUs - b.c.delayUs || a.i - b.i);
        if (failing.length > 0) {
          // The earliest-due failure among the answers still awaited fails the run.
          expect(error).toBe(`failed ${failing[0]?.i}`);
          return;
        }
        expect(error).toBeNull();
        cases.forEach((c, i) => {
          expect(delivered[i]).toEqual(answered[i] ? [`v${i}@${c.delayUs}`] : [`timeout@${c.timeoutUs}`]);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("refuses a bad timeout like any other delay", () => {
    const s = new Scheduler();
    expect(() =>
      s.afterResultWithin(
        "x",
        1,
        Number.NaN,
        () => {},
        () => {},
        null,
      ),
    ).toThrow(SimulationError);
  });
});

describe("background events and tickers", () => {
  it("a self-rescheduling background flusher runs while work remains, never pins the run", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 50 }),
        async (workTimes, periodUs) => {
          const s = new Scheduler();
          const flushes: number[] = [];
          const flush = () => {
            flushes.push(s.nowUs);
            s.background(periodUs, flush);
          };
          s.background(periodUs, flush);
          for (const t of workTimes) s.at(t, () => {});
          const stats = await s.run(100_000, 100_000);
          const lastUs = Math.max(...workTimes);
          // A flush runs while some work is still ordered after it. Work scheduled before the run
          // precedes a flush rescheduled during it at the same instant; only the first flush (scheduled
          // before the work) precedes work at its own instant.
          const expected: number[] = [];
          for (let t = periodUs; t < lastUs || (t === lastUs && t === periodUs); t += periodUs)
            expected.push(t);
          expect(flushes).toEqual(expected);
          expect(stats).toEqual({
            endReason: "idle",
            endUs: lastUs,
            events: workTimes.length + flushes.length,
          });
        },
      ),
    );
  });

  it("background work that schedules ordinary work keeps the run going for it", async () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.background(10, () => {
      log.push("flush");
      s.after(5, () => log.push("written"));
    });
    s.at(10, () => log.push("work"));
    const stats = await s.run(1000, 100);
    expect(log).toEqual(["flush", "work", "written"]);
    expect(stats).toEqual({ endReason: "idle", events: 3, endUs: 15 });
  });

  it("several tickers: each fires at its own boundaries, in the order added when they coincide", async () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.addTicker(15, (b) => log.push(`B${b}`));
    s.setTicker(10, (b) => log.push(`A${b}`));
    s.at(30, () => log.push("e30"));
    s.at(31, () => log.push("e31"));
    const stats = await s.run(1000, 100);
    expect(log).toEqual(["A10", "B15", "A20", "B30", "A30", "e30", "e31"]);
    expect(stats).toEqual({ endReason: "idle", events: 2, endUs: 31 });
  });

  it("ticks at every boundary up to the last event, before the events there, and never pin the run", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }),
        async (times, intervals) => {
          const s = new Scheduler();
          const log: Array<[number, number, number]> = []; // [time, 0 tick / 1 event, ticker or seq]
          intervals.forEach((iv, k) => {
            s.addTicker(iv, (b) => log.push([b, 0, k]));
          });
          times.forEach((t, i) => {
            s.at(t, () => log.push([t, 1, i]));
          });
          await s.run(10_000, 10_000);
          const lastUs = Math.max(...times);
          const expected: Array<[number, number, number]> = [];
          for (const [k, iv] of intervals.entries())
            for (let b = iv; b <= lastUs; b += iv) expected.push([b, 0, k]);
          times.forEach((t, i) => {
            expected.push([t, 1, i]);
          });
          expected.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
          expect(log).toEqual(expected);
        },
      ),
    );
  });

  it("refuses a tick interval that is not a whole number above 0", () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() => new Scheduler().addTicker(bad, () => {})).toThrow(SimulationError);
  });
});

describe("priorities", () => {
  it("at one instant, higher priority first, then scheduling order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 5 }), p: fc.integer({ min: -8, max: 7 }) }), {
          maxLength: 80,
        }),
        async (events) => {
          const s = new Scheduler();
          const ran: number[] = [];
          events.forEach((e, i) => {
            if (i % 2 === 0) s.at(e.t, (n) => ran.push(n), i, e.p);
            else s.after(e.t, (n) => ran.push(n), i, e.p);
          });
          await s.run(100, 1000);
          const expected = events
            .map((e, i) => ({ ...e, i }))
            .sort((a, b) => a.t - b.t || b.p - a.p || a.i - b.i)
            .map((e) => e.i);
          expect(ran).toEqual(expected);
        },
      ),
    );
  });

  it("refuses a priority outside -8..7 or not whole", () => {
    const s = new Scheduler();
    for (const bad of [8, -9, 0.5, Number.NaN])
      expect(() => s.after(1, () => {}, undefined, bad)).toThrow(/priority .*from -8 to 7/);
    expect(s.workPending).toBe(0);
  });
});
