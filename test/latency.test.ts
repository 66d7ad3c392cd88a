// Guards the latency models: whole non-negative microseconds, the stated centres, constant 0 allowed.
import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { latencySampler } from "../sim/model/latency.ts";
import type { LatencyModel } from "../sim/scenario/types.ts";

const samples = (model: LatencyModel, n = 50_000) => {
  const s = latencySampler(model, new RngStreams(5).stream("link"));
  return Array.from({ length: n }, () => s());
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

describe("latency models", () => {
  it("constant gives exactly its value, including 0", () => {
    expect(new Set(samples({ dist: "constant", valueUs: 500 }, 100))).toEqual(new Set([500]));
    expect(new Set(samples({ dist: "constant", valueUs: 0 }, 100))).toEqual(new Set([0]));
  });

  it("uniform stays within [min, max] and reaches both", () => {
    const xs = samples({ dist: "uniform", minUs: 100, maxUs: 110 });
    expect(Math.min(...xs)).toBe(100);
    expect(Math.max(...xs)).toBe(110);
  });

  it("normal is truncated at 0 and centred on its mean", () => {
    const xs = samples({ dist: "normal", meanUs: 1000, stddevUs: 100 });
    expect(Math.abs(mean(xs) - 1000)).toBeLessThan(5);
    expect(Math.min(...samples({ dist: "normal", meanUs: 10, stddevUs: 100 }))).toBe(0);
  });

  it("lognormal has the stated median and exponential the stated mean (within 2 %)", () => {
    expect(Math.abs(median(samples({ dist: "lognormal", medianUs: 2000, sigma: 0.5 })) - 2000)).toBeLessThan(
      40,
    );
    expect(Math.abs(mean(samples({ dist: "exponential", meanUs: 1000 })) - 1000)).toBeLessThan(20);
  });

  it("always gives non-negative integers", () => {
    for (const model of [
      { dist: "normal", meanUs: 5, stddevUs: 50 },
      { dist: "lognormal", medianUs: 3, sigma: 2 },
      { dist: "exponential", meanUs: 7 },
    ] as LatencyModel[]) {
      for (const x of samples(model, 2000)) expect(Number.isInteger(x) && x >= 0).toBe(true);
    }
  });
});
