// Guards the kernel's ordering: events run by time, and events at the same instant in scheduling order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../sim/core/eventQueue.ts";
import { Scheduler, SimulationError } from "../sim/core/scheduler.ts";

describe("EventQueue", () => {
  it("pops by time, then by the order events were pushed", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => {
          q.push(t, () => i, undefined);
        });
        const popped: Array<[number, number]> = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) popped.push([e.timeUs, e.fn(e.arg) as number]);
        const expected = times
          .map((t, i) => [t, i] as [number, number])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
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
