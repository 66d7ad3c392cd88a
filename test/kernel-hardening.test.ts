// Guards the scheduler against bad times (refused, naming the value), lost backend failures (a failure
// due after the end still fails the run) and runs that must stop on request (AbortSignal → RunAborted).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RunAborted, Scheduler, SimulationError } from "../sim/core/scheduler.ts";

const BAD_DELAYS = [Number.NaN, 1.5, -1, -0.5, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53];

describe("Scheduler refuses times that are not whole microseconds", () => {
  it.each(BAD_DELAYS)(
    "after / afterResult refuse a delay of %s, naming it, and schedule nothing",
    async (bad) => {
      const s = new Scheduler();
      const ran: string[] = [];
      expect(() => s.after(bad, () => ran.push("after"))).toThrow(SimulationError);
      expect(() => s.after(bad, () => ran.push("after"))).toThrow(
        new RegExp(`delay ${String(bad).replace(".", "\\.")}: expected a whole number of microseconds`),
      );
      expect(() => s.afterResult("x", bad, () => ran.push("afterResult"))).toThrow(SimulationError);
      expect(() => s.afterResult(Promise.resolve("x"), bad, () => ran.push("p"))).toThrow(SimulationError);
      expect(await s.run(10, 100)).toEqual({ endReason: "idle", events: 0, endUs: 0 });
      expect(ran).toEqual([]);
    },
  );

  it.each(BAD_DELAYS)("at refuses a time of %s", (bad) => {
    const s = new Scheduler();
    expect(() => s.at(bad, () => {})).toThrow(SimulationError);
    expect(() => s.at(bad, () => {})).toThrow(`time ${bad}`);
  });

  it("refuses a delay that would carry the time past the largest safe integer", async () => {
    const s = new Scheduler();
    s.at(10, () => {
      expect(() => s.after(Number.MAX_SAFE_INTEGER - 5, () => {})).toThrow(SimulationError);
    });
    await s.run(100, 100);
    expect.assertions(1);
  });

  it("still refuses the past, with a SimulationError naming both times", async () => {
    const s = new Scheduler();
    const errors: unknown[] = [];
    s.at(50, () => {
      try {
        s.at(49, () => {});
      } catch (e) {
        errors.push(e);
      }
    });
    await s.run(100, 100);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SimulationError);
    expect(String(errors[0])).toContain("49us: it is before now (50us)");
  });

  it("accepts exactly the non-negative safe integers", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (x) => {
        const s = new Scheduler();
        const ok = Number.isSafeInteger(x) && x >= 0;
        let threw = false;
        try {
          s.after(x, () => {});
        } catch (e) {
          threw = e instanceof SimulationError;
        }
        expect(threw).toBe(!ok);
      }),
    );
  });
});

describe("Scheduler never loses a backend failure", () => {
  it("fails the run for a rejected request whose continuation falls after the duration", async () => {
    const s = new Scheduler();
    const ran: number[] = [];
    s.at(0, () => s.afterResult(Promise.reject(new Error("lost at the end")), 500, () => ran.push(1)));
    s.at(10, () => ran.push(10));
    await expect(s.run(100, 100)).rejects.toThrow("lost at the end");
    expect(ran).toEqual([10]);
  });

  it("fails the run for a rejected request due exactly at the duration", async () => {
    const s = new Scheduler();
    s.at(0, () => s.afterResult(Promise.reject(new Error("at the end")), 100, () => {}));
    await expect(s.run(100, 100)).rejects.toThrow("at the end");
  });

  it("waits for answers still on their way at the end, and succeeds when they do", async () => {
    const s = new Scheduler();
    let answer: (v: string) => void = () => {};
    let settled = false;
    s.at(0, () =>
      s.afterResult(
        new Promise<string>((r) => {
          answer = r;
        }).then((v) => {
          settled = true;
          return v;
        }),
        1000,
        () => {},
      ),
    );
    const done = s.run(100, 100);
    await new Promise((r) => setImmediate(r));
    answer("late");
    await expect(done).resolves.toMatchObject({ endReason: "duration", endUs: 100 });
    expect(settled).toBe(true);
  });

  it("throws the failure due first, whichever promise rejects first", async () => {
    const s = new Scheduler();
    let failLater: (e: Error) => void = () => {};
    s.at(0, () => {
      s.afterResult(
        new Promise((_, reject) => {
          failLater = reject;
        }),
        200,
        () => {},
      );
      s.afterResult(Promise.reject(new Error("due second")), 300, () => {});
    });
    const done = s.run(100, 100);
    await new Promise((r) => setImmediate(r));
    failLater(new Error("due first"));
    await expect(done).rejects.toThrow("due first");
  });
});

describe("Scheduler stops on an AbortSignal", () => {
  it("refuses to start an aborted run, naming the virtual time", async () => {
    const s = new Scheduler();
    s.at(0, () => {});
    const controller = new AbortController();
    controller.abort("SIGINT");
    const error = await s.run(100, 100, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunAborted);
    expect(error).toBeInstanceOf(SimulationError);
    expect((error as RunAborted).name).toBe("RunAborted");
    expect((error as RunAborted).reason).toBe("SIGINT");
    expect((error as RunAborted).message).toContain("virtual time 0us");
  });

  it("stops within 1,024 events of the signal", async () => {
    const s = new Scheduler();
    const controller = new AbortController();
    let ran = 0;
    const step = () => {
      ran++;
      if (ran === 5000) controller.abort();
      s.after(1, step);
    };
    s.at(0, step);
    const error = await s.run(1_000_000, 1_000_000, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunAborted);
    expect(ran).toBeGreaterThanOrEqual(5000);
    expect(ran).toBeLessThanOrEqual(5000 + 1024);
    expect((error as RunAborted).atUs).toBe(ran - 1);
    expect((error as RunAborted).message).toContain(`virtual time ${ran - 1}us`);
  });

  it("stops right after the backend answer it was waiting for", async () => {
    const s = new Scheduler();
    const controller = new AbortController();
    let answer: (v: string) => void = () => {};
    const ran: string[] = [];
    s.at(3, () =>
      s.afterResult(
        new Promise<string>((r) => {
          answer = r;
        }),
        4,
        (v) => ran.push(v),
      ),
    );
    const done = s.run(100, 100, controller.signal).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    controller.abort();
    answer("too late");
    const error = await done;
    expect(error).toBeInstanceOf(RunAborted);
    expect((error as RunAborted).atUs).toBe(7);
    expect(ran).toEqual([]);
  });
});
