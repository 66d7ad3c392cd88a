// Guards the arrival processes: Poisson (its exact draws, batched) and constant rates, on/off bursts,
// rate schedules, the diurnal cosine and the closed loop (one request per client at a time, paced by
// latency and think time).
import { describe, expect, it } from "vitest";
import { exponential, exponentialsInto } from "../sim/core/distributions.ts";
import { RngStreams } from "../sim/core/rng.ts";
import { Scheduler } from "../sim/core/scheduler.ts";
import type { RequestSource } from "../sim/workloads/arrivals/arrivalProcess.ts";
import { arrivalProcesses } from "../sim/workloads/arrivals/registry.ts";
import { arrivalField } from "../sim/workloads/generatorSpec.ts";

interface Run {
  timesUs: number[];
  scheduler: Scheduler;
}

/** Runs one process for `untilUs` of virtual time; requests finish after `latencyUs` when asked for `done`. */
async function run(
  value: unknown,
  { ratePerSec = 0, untilUs = 1_000_000, requestsMax = Number.POSITIVE_INFINITY, latencyUs = 0 } = {},
): Promise<Run & { inFlightMax: number }> {
  const parsed = arrivalField.parse(value) as Record<string, unknown>;
  const { process: name, ...options } = parsed;
  const plugin = arrivalProcesses.get(name as string);
  const rng = new RngStreams(3);
  const driver = plugin.create({ ratePerSec, stream: (s) => rng.stream(`w:${s}`) }, options);
  const scheduler = new Scheduler();
  const timesUs: number[] = [];
  let inFlight = 0;
  let inFlightMax = 0;
  const source: RequestSource = {
    requestsMax,
    issue(_index, done) {
      timesUs.push(scheduler.nowUs);
      if (done === undefined) return true;
      inFlight++;
      inFlightMax = Math.max(inFlight, inFlightMax);
      scheduler.after(latencyUs, () => {
        inFlight--;
        done();
      });
      return true;
    },
  };
  driver.start(scheduler, source);
  await scheduler.run(untilUs, 1e8);
  return { timesUs, scheduler, inFlightMax };
}

const between = (times: number[], fromUs: number, toUs: number) =>
  times.filter((t) => t >= fromUs && t < toUs).length;

describe("arrival processes", () => {
  it("registers every process under `process`", () => {
    expect(arrivalProcesses.names()).toEqual([
      "poisson",
      "constant",
      "onoff",
      "schedule",
      "diurnal",
      "closed",
    ]);
    expect(arrivalProcesses.selector).toBe("process");
  });

  it("poisson: about rate × time arrivals, gaps with mean and spread 1/rate", async () => {
    const { timesUs } = await run("poisson", { ratePerSec: 10_000, untilUs: 10_000_000 });
    expect(timesUs.length / 100_000).toBeCloseTo(1, 1);
    const gaps = timesUs.slice(1).map((t, i) => t - (timesUs[i] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(100, -1);
    expect(sd / mean).toBeCloseTo(1, 1); // exponential: coefficient of variation 1
  });

  it("poisson: the arrivals one exponential gap at a time always gave (its gaps are drawn in batches)", async () => {
    const { timesUs } = await run("poisson", { ratePerSec: 10_000, requestsMax: 300, untilUs: 10_000_000 });
    const gaps = new RngStreams(3).stream("w:arrivals");
    let exactUs = 0;
    const expected: number[] = [];
    for (let i = 0; i < 300; i++) {
      exactUs += exponential(gaps, 100);
      expected.push(Math.round(exactUs));
    }
    expect(timesUs).toEqual(expected);
    // Batches of any length continue one sequence of draws.
    const batched = new RngStreams(3).stream("w:arrivals");
    const oneByOne = new RngStreams(3).stream("w:arrivals");
    for (const length of [1, 5, 64]) {
      const into = new Float64Array(length);
      exponentialsInto(batched, 100, into);
      for (const gapUs of into) expect(gapUs).toBe(exponential(oneByOne, 100));
    }
  });

  it("constant: exactly one request every 1/rate, rounded only when scheduled", async () => {
    const { timesUs } = await run("constant", { ratePerSec: 3, untilUs: 2_000_000 });
    expect(timesUs).toEqual([333_333, 666_667, 1_000_000, 1_333_333, 1_666_667]);
  });

  it("stops after requestsMax requests", async () => {
    const { timesUs } = await run({ process: "constant" }, { ratePerSec: 1000, requestsMax: 7 });
    expect(timesUs.length).toBe(7);
  });

  it("onoff: arrivals only in the on windows, at the rate there", async () => {
    const { timesUs } = await run(
      { process: "onoff", on: "100ms", off: "300ms" },
      { ratePerSec: 10_000, untilUs: 40_000_000 },
    );
    expect(timesUs.filter((t) => t % 400_000 > 100_000)).toEqual([]);
    // 100 bursts of 100 ms at 10,000/s: about 100,000 arrivals.
    expect(timesUs.length / 100_000).toBeCloseTo(1, 1);
  });

  it("schedule: each step at its own rate, repeated; silence where the rate is 0", async () => {
    const steps = [
      { for: "1s", rate: 1000 },
      { for: "1s", rate: 0 },
      { for: "2s", rate: 5000 },
    ];
    const { timesUs } = await run({ process: "schedule", steps }, { untilUs: 8_000_000 });
    expect(between(timesUs, 1_000_000, 2_000_000)).toBe(0);
    expect(between(timesUs, 5_000_000, 6_000_000)).toBe(0);
    expect(between(timesUs, 0, 1_000_000) / 1000).toBeCloseTo(1, 1);
    expect(between(timesUs, 2_000_000, 4_000_000) / 10_000).toBeCloseTo(1, 1);
    expect(between(timesUs, 6_000_000, 8_000_000) / 10_000).toBeCloseTo(1, 1);
  });

  it("schedule without repeat ends with its last step", async () => {
    const { timesUs } = await run(
      { process: "schedule", repeat: false, steps: [{ for: "1s", rate: 100 }] },
      { untilUs: 5_000_000 },
    );
    expect(timesUs.length).toBeGreaterThan(50);
    expect(Math.max(...timesUs)).toBeLessThan(1_000_000);
  });

  it("diurnal: busiest at the peak, quietest half a period later, mean rate over a period", async () => {
    const { timesUs } = await run(
      { process: "diurnal", period: "10s", amplitude: 0.8, peak: "2500ms" },
      { ratePerSec: 10_000, untilUs: 10_000_000 },
    );
    expect(timesUs.length / 100_000).toBeCloseTo(1, 1);
    const nearPeak = between(timesUs, 2_000_000, 3_000_000);
    const nearTrough = between(timesUs, 7_000_000, 8_000_000);
    // rate(t) = 10,000 (1 + 0.8 cos(...)): about 17,700 vs 2,300 in those seconds.
    expect(nearPeak / 17_700).toBeCloseTo(1, 1);
    expect(nearTrough / 2_300).toBeCloseTo(1, 0);
  });

  it("closed: each client has one request at a time, paced by latency plus think time", async () => {
    const { timesUs, inFlightMax } = await run(
      { process: "closed", clients: 4, think: "5ms" },
      { latencyUs: 15_000, untilUs: 1_000_000 },
    );
    expect(inFlightMax).toBe(4);
    // Each client: one request every 20 ms, starting at 0: 50 each in a second.
    expect(timesUs.length).toBe(200);
    expect(timesUs.slice(0, 8)).toEqual([0, 0, 0, 0, 20_000, 20_000, 20_000, 20_000]);
  });

  it("closed: exponential think times average `think`", async () => {
    const { timesUs } = await run(
      { process: "closed", clients: 1, think: "10ms", thinkDist: "exponential" },
      { untilUs: 100_000_000 },
    );
    expect(timesUs.length / 10_000).toBeCloseTo(1, 1);
  });

  it("rejects bad options with the field and what was expected", () => {
    const issues = (value: unknown) => {
      const r = arrivalField.safeParse(value);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues("bursty")).toEqual([
      ": expected one of: poisson, constant, onoff, schedule, diurnal, closed",
    ]);
    expect(issues({ process: "onoff", on: "1s" })[0]).toMatch(/^off: expected a duration such as "30s"/);
    expect(issues({ process: "closed", clients: 0 })).toEqual([
      "clients: expected an integer from 1 to 100,000",
    ]);
    expect(issues({ process: "schedule", steps: [{ for: "1s", rate: 0 }] })[0]).toMatch(
      /^steps: expected a list of 1 to 10000 steps/,
    );
  });
});
