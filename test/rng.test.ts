// Guards seeded randomness: same (seed, name) gives the same sequence; streams are independent by name.

import v8 from "node:v8";
import vm from "node:vm";
import fc from "fast-check";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { keepBetweenRuns } from "../sim/core/betweenRuns.ts";
import { exponential, standardNormal, uniformInt, ZipfSampler } from "../sim/core/distributions.ts";
import { RngStreams } from "../sim/core/rng.ts";

const draw = (seed: number, name: string, n: number) => {
  const rng = new RngStreams(seed).stream(name);
  return Array.from({ length: n }, () => rng.next());
};

describe("RngStreams", () => {
  it("draws exactly what seedrandom's alea double() draws for the stream's seed", () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, name) => {
        const reference = seedrandom.alea(`cachesim:${seed}:${name}`);
        expect(draw(seed, name, 500)).toEqual(Array.from({ length: 500 }, () => reference.double()));
      }),
      { numRuns: 50 },
    );
  });

  it("stays on seedrandom's sequence over a long stream (200,000 draws)", () => {
    const reference = seedrandom.alea("cachesim:1:kernel-bench");
    const rng = new RngStreams(1).stream("kernel-bench");
    let differing = 0;
    for (let i = 0; i < 200_000; i++) if (!Object.is(rng.next(), reference.double())) differing++;
    expect(differing).toBe(0);
  });

  it("gives the same sequence for the same seed and name", () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, name) => {
        expect(draw(seed, name, 20)).toEqual(draw(seed, name, 20));
      }),
    );
  });

  it("gives different sequences for different seeds or names", () => {
    expect(draw(1, "a", 5)).not.toEqual(draw(2, "a", 5));
    expect(draw(1, "a", 5)).not.toEqual(draw(1, "b", 5));
  });

  it("does not let one stream's draws shift another's", () => {
    const streams = new RngStreams(7);
    const a = streams.stream("a");
    for (let i = 0; i < 1000; i++) streams.stream("noisy").next();
    expect([a.next(), a.next()]).toEqual(draw(7, "a", 2));
  });

  it("draws in [0, 1)", () => {
    for (const x of draw(3, "range", 10_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe("distributions", () => {
  const rng = () => new RngStreams(11).stream("dist");
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it("uniformInt stays within bounds and hits both ends", () => {
    const r = rng();
    const xs = Array.from({ length: 5000 }, () => uniformInt(r, 3, 7));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
  });

  it("exponential and normal have the stated means (tolerance 2 %)", () => {
    const r = rng();
    expect(mean(Array.from({ length: 100_000 }, () => exponential(r, 100)))).toBeCloseTo(100, -0.3);
    const m = mean(Array.from({ length: 100_000 }, () => 50 + 10 * standardNormal(r)));
    expect(Math.abs(m - 50)).toBeLessThan(1);
  });

  it("Zipf draws follow 1/k^s (rank frequencies within 5 % for the top ranks)", () => {
    const zipf = new ZipfSampler(1000, 0.99);
    const r = rng();
    const counts = new Array<number>(1000).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const k = zipf.sample(r);
      counts[k] = (counts[k] as number) + 1;
    }
    for (const k of [0, 1, 2, 9]) {
      const expected = zipf.probability(k) * n;
      expect(Math.abs((counts[k] as number) - expected) / expected).toBeLessThan(0.05);
    }
    expect(zipf.probability(0) / zipf.probability(1)).toBeCloseTo(2 ** 0.99, 6);
  });

  it("a Zipf sampler over the n and s of the last one reuses its table, and draws what a fresh one does", () => {
    const draws = (zipf: ZipfSampler) => {
      const r = new RngStreams(3).stream("zipf-reuse");
      return Array.from({ length: 2000 }, () => zipf.sample(r));
    };
    const built = ZipfSampler.tablesBuilt;
    const first = new ZipfSampler(5000, 0.8);
    const second = new ZipfSampler(5000, 0.8);
    expect(ZipfSampler.tablesBuilt).toBe(built + 1);
    // Another exponent, then the first again: each builds its own, since only the last table is kept.
    const other = new ZipfSampler(5000, 0.81);
    const fresh = new ZipfSampler(5000, 0.8);
    expect(ZipfSampler.tablesBuilt).toBe(built + 3);
    expect(draws(second)).toEqual(draws(first));
    expect(draws(fresh)).toEqual(draws(first));
    expect(draws(other)).not.toEqual(draws(first));
    expect(second.probability(7)).toBe(fresh.probability(7));
  });

  it("keeps the last table through full collections while held, and lets it go when released", async () => {
    // A full collection on demand: the flag takes effect for contexts made after it is set.
    v8.setFlagsFromString("--expose-gc");
    const collect = vm.runInNewContext("gc") as () => void;
    // A weak reference's target is kept until the current job ends: wait a turn before collecting.
    const collectLater = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      collect();
    };
    const built = ZipfSampler.tablesBuilt;
    const release = keepBetweenRuns();
    new ZipfSampler(30_000, 0.7);
    await collectLater();
    new ZipfSampler(30_000, 0.7);
    expect(ZipfSampler.tablesBuilt).toBe(built + 1);
    // Released, nothing holds it but the weak reference, which the collection clears.
    release();
    release(); // a second release changes nothing
    await collectLater();
    new ZipfSampler(30_000, 0.7);
    expect(ZipfSampler.tablesBuilt).toBe(built + 2);
  });
});
