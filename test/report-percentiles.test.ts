// Guards exact percentiles: the histogram (paged or packed) agrees with nearest rank on a sorted array for
// any values, merging and resetting keep it exact, the two layouts never mix, and a constant-latency run
// reports the exact hop sum.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExactHistogram } from "../sim/core/exactHistogram.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

/** Nearest rank on the sorted values: the smallest v with at least ⌈p/100·N⌉ values ≤ v. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1] as number;
}

const PERCENTILES = [0.1, 1, 25, 50, 75, 90, 95, 99, 99.9, 100];

/** Small values (dense pages), values near the page boundary and huge ones (the sparse map). */
const microseconds = fc.oneof(
  fc.integer({ min: 0, max: 3000 }),
  fc.integer({ min: (1 << 14) - 5, max: (1 << 14) + 5 }),
  fc.integer({ min: 0, max: 100_000 }),
  fc.integer({ min: 0, max: 366 * 24 * 3_600_000_000 }),
);

// Both layouts: values below 16 ms counted in pages, or packed like the larger ones.
describe.each(["paged", "packed"] as const)("ExactHistogram, %s", (layout) => {
  const histogramOf = (values: readonly number[]): ExactHistogram => {
    const h = new ExactHistogram(layout);
    for (const v of values) h.record(v);
    return h;
  };

  it("gives the nearest-rank percentile of a sorted array, and the exact count and maximum", () => {
    fc.assert(
      fc.property(fc.array(microseconds, { minLength: 1, maxLength: 300 }), (values) => {
        const h = histogramOf(values);
        expect(h.count).toBe(values.length);
        expect(h.max).toBe(Math.max(...values));
        for (const p of PERCENTILES) {
          const found = h.percentile(p) as number;
          expect(found, `p${p}`).toBe(nearestRank(values, p));
          expect(found).toBeLessThanOrEqual(h.max);
        }
      }),
    );
  });

  it("merges exactly: a + b has the percentiles of the concatenated values, and b is unchanged", () => {
    fc.assert(
      fc.property(
        fc.array(microseconds, { maxLength: 100 }),
        fc.array(microseconds, { maxLength: 100 }),
        (a, b) => {
          const merged = histogramOf(a);
          const other = histogramOf(b);
          merged.add(other);
          const all = [...a, ...b];
          expect(merged.count).toBe(all.length);
          expect(other.count).toBe(b.length);
          for (const p of PERCENTILES) {
            expect(merged.percentile(p)).toBe(all.length === 0 ? undefined : nearestRank(all, p));
            expect(other.percentile(p)).toBe(b.length === 0 ? undefined : nearestRank(b, p));
          }
        },
      ),
    );
  });

  it("forgets everything on reset and is exact again when reused", () => {
    fc.assert(
      fc.property(
        fc.array(microseconds, { maxLength: 100 }),
        fc.array(microseconds, { minLength: 1, maxLength: 100 }),
        (first, second) => {
          const h = histogramOf(first);
          h.reset();
          expect(h.count).toBe(0);
          expect(h.max).toBe(0);
          expect(h.percentile(50)).toBeUndefined();
          for (const v of second) h.record(v);
          for (const p of PERCENTILES) expect(h.percentile(p)).toBe(nearestRank(second, p));
        },
      ),
    );
  });

  it("stays exact through thousands of large values, many small merges into a big one, and reuse", () => {
    // Enough large values that the sorted part is rebuilt many times, merges of a small histogram
    // into a big one (queued, not merged at once), of a big one into a small one, and of itself.
    // Mostly 32-bit values; now and then one from 2^32 up, which widens what is kept.
    const large = fc.oneof(
      { arbitrary: fc.integer({ min: 1 << 14, max: (1 << 14) + 300 }), weight: 10 },
      { arbitrary: fc.integer({ min: 0, max: 60_000_000 }), weight: 10 },
      { arbitrary: fc.integer({ min: 2 ** 32 - 3, max: 2 ** 32 + 3 }), weight: 1 },
    );
    const step = fc.oneof(
      fc.record({ kind: fc.constant("record" as const), values: fc.array(large, { maxLength: 3000 }) }),
      fc.record({
        kind: fc.constant("merge" as const),
        before: fc.array(large, { maxLength: 200 }),
        values: fc.array(large, { maxLength: 40 }),
      }),
      fc.record({ kind: fc.constant("absorb" as const), values: fc.array(large, { maxLength: 2000 }) }),
      fc.record({ kind: fc.constant("double" as const) }),
      fc.record({ kind: fc.constant("reset" as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let h = new ExactHistogram(layout);
        let all: number[] = [];
        for (const s of steps) {
          if (s.kind === "record") {
            for (const v of s.values) h.record(v);
            all.push(...s.values);
          } else if (s.kind === "merge") {
            for (const v of s.before) h.record(v);
            h.add(histogramOf(s.values));
            all.push(...s.before, ...s.values);
          } else if (s.kind === "absorb") {
            const into = histogramOf(s.values);
            into.add(h);
            h = into;
            all = [...s.values, ...all];
          } else if (s.kind === "double") {
            h.add(h);
            all = [...all, ...all];
          } else {
            h.reset();
            all = [];
          }
          expect(h.count).toBe(all.length);
          if (all.length > 0) expect(h.percentile(50)).toBe(nearestRank(all, 50));
        }
        for (const p of PERCENTILES) {
          expect(h.percentile(p), `p${p}`).toBe(all.length === 0 ? undefined : nearestRank(all, p));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("sums parts without copying them, exactly, and stays exact when the sum is changed", () => {
    fc.assert(
      fc.property(
        // Up to 20 parts: more than 16 are merged at once rather than read side by side.
        fc.array(fc.array(microseconds, { maxLength: 60 }), { maxLength: 20 }),
        fc.array(microseconds, { maxLength: 30 }),
        fc.array(microseconds, { maxLength: 30 }),
        (values, extra, another) => {
          const parts = values.map((v) => histogramOf(v));
          const sum = ExactHistogram.sumOf(parts, layout);
          const all = values.flat();
          expect(sum.count).toBe(all.length);
          expect(sum.max).toBe(all.length === 0 ? 0 : Math.max(...all));
          for (const p of PERCENTILES) {
            expect(sum.percentile(p), `p${p}`).toBe(all.length === 0 ? undefined : nearestRank(all, p));
          }
          // A sum of a sum, then changed by recording and by merging: the parts never move.
          const outer = ExactHistogram.sumOf([sum, histogramOf(another)], layout);
          for (const v of extra) outer.record(v);
          const everything = [...all, ...another, ...extra];
          expect(outer.count).toBe(everything.length);
          for (const p of PERCENTILES) {
            expect(outer.percentile(p)).toBe(
              everything.length === 0 ? undefined : nearestRank(everything, p),
            );
          }
          parts.forEach((part, i) => {
            expect(part.count).toBe(values[i]?.length);
            if (part.count > 0) expect(part.percentile(50)).toBe(nearestRank(values[i] as number[], 50));
          });
          const merged = new ExactHistogram(layout);
          merged.add(sum);
          expect(merged.count).toBe(all.length);
          if (all.length > 0) expect(merged.percentile(99)).toBe(nearestRank(all, 99));
        },
      ),
    );
  });

  it("agrees with a sorted list on every percentile over thousands of values, recorded, added and summed", () => {
    // Thousands of values: several pending buffers packed, runs of many blocks merged, repeats of the
    // same large values across runs, values from 2^32 up, and small histograms added into a big one.
    const value = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: (1 << 14) - 1 }), weight: 3 },
      { arbitrary: fc.integer({ min: 1 << 14, max: (1 << 14) + 500 }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 60_000_000 }), weight: 4 },
      { arbitrary: fc.integer({ min: 2 ** 32 - 2, max: 2 ** 32 + 1000 }), weight: 1 },
    );
    const chunk = fc.record({
      how: fc.constantFrom("record", "add", "small adds", "self"),
      values: fc.array(value, { maxLength: 3000, size: "max" }),
    });
    /** Every whole percentile and a few fractional ones, against the sorted values. */
    const expectPercentiles = (h: ExactHistogram, values: readonly number[], what: string) => {
      const sorted = [...values].sort((a, b) => a - b);
      expect(h.count, `${what} count`).toBe(sorted.length);
      expect(h.max, `${what} max`).toBe(sorted.length === 0 ? 0 : sorted[sorted.length - 1]);
      for (const p of [...Array.from({ length: 100 }, (_, i) => i + 1), 0.1, 99.9, 99.99]) {
        const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
        expect(h.percentile(p), `${what} p${p}`).toBe(sorted[rank - 1]);
      }
    };
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 8 }), (chunks) => {
        const h = new ExactHistogram(layout);
        let all: number[] = [];
        const parts: ExactHistogram[] = [];
        for (const { how, values } of chunks) {
          parts.push(histogramOf(values));
          if (how === "record") for (const v of values) h.record(v);
          else if (how === "add") h.add(histogramOf(values));
          else if (how === "small adds") {
            // Like report intervals into a run: many small histograms into a big one.
            for (let i = 0; i < values.length; i += 25) h.add(histogramOf(values.slice(i, i + 25)));
          } else {
            for (const v of values) h.record(v);
            h.add(h);
            all = [...all, ...values, ...all, ...values];
            continue;
          }
          all = [...all, ...values];
        }
        expectPercentiles(h, all, "recorded and added");
        const sum = ExactHistogram.sumOf(parts, layout);
        const everything = chunks.flatMap((c) => c.values);
        expectPercentiles(sum, everything, "sum");
        const merged = new ExactHistogram(layout);
        merged.add(sum);
        merged.add(h);
        expectPercentiles(merged, [...everything, ...all], "sum added to another");
      }),
      { numRuns: 15, endOnFailure: true },
    );
  });

  it("reports a constant exactly, including values HdrHistogram rounded up", () => {
    for (const value of [0, 2047, 2048, 4000, 6000, 14_000, 1_000_000, 3_600_000_000]) {
      const h = new ExactHistogram(layout);
      for (let i = 0; i < 1000; i++) h.record(value);
      for (const p of PERCENTILES) expect(h.percentile(p)).toBe(value);
    }
  });

  it.each([6000, 30_000_000])("counts beyond 2^32 of one value (%i) without wrapping", (value) => {
    const big = new ExactHistogram(layout);
    big.record(value);
    const doubled = new ExactHistogram(layout);
    // 33 doublings by merging a histogram into a copy of itself: 2^33 values of one value.
    doubled.add(big);
    for (let i = 0; i < 33; i++) {
      const copy = new ExactHistogram(layout);
      copy.add(doubled);
      doubled.add(copy);
    }
    expect(doubled.count).toBe(2 ** 33);
    doubled.record(value + 1000);
    expect(doubled.percentile(100)).toBe(value + 1000);
    expect(doubled.percentile(99.9)).toBe(value);
  });

  it("refuses values that are not non-negative integers (a bug upstream, not data)", () => {
    const h = new ExactHistogram(layout);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => h.record(bad), String(bad)).toThrow(/non-negative integers/);
    }
    expect(() => histogramOf([1]).percentile(0)).toThrow(RangeError);
    expect(() => histogramOf([1]).percentile(101)).toThrow(RangeError);
  });
});

describe("ExactHistogram layouts", () => {
  it("refuse to be combined: a paged histogram's packed values all lie above its pages", () => {
    const paged = new ExactHistogram("paged");
    const packed = new ExactHistogram("packed");
    paged.record(5);
    packed.record(5);
    expect(() => paged.add(packed)).toThrow(/cannot combine a packed histogram with a paged one/);
    expect(() => packed.add(paged)).toThrow(/cannot combine a paged histogram with a packed one/);
    expect(() => ExactHistogram.sumOf([paged, packed], "paged")).toThrow(/cannot combine/);
    expect(ExactHistogram.sumOf([packed], "packed").percentile(50)).toBe(5);
  });
});

describe("percentile columns in a run", () => {
  // Every read misses the global cache: cache GET (2 × 500 us), database (2 × 2 ms), cache SET
  // (2 × 500 us) = 6,000 us. Every write: database (2 × 2 ms) then cache SET (2 × 500 us) = 5,000 us.
  const scenario = `
name: constant
seed: 1
duration: 1s
strategy: global
defaults:
  cache: { capacity: 0 }
  network: { cache: 500us, database: 2ms }
nodes: [A]
globalCache: { shards: [s1, s2] }
data:
  values: { k1: a, k2: b, k3: c, k4: d, k5: e }
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k1 }
      - { at: 10ms, op: read, key: k2 }
      - { at: 20ms, op: read, key: k3 }
      - { at: 30ms, op: write, key: k4, value: x }
      - { at: 40ms, op: read, key: k5 }
      - { at: 50ms, op: write, key: k1, value: y }
report: { interval: 100ms }
expect:
  - metric: read_latency_p50_us
    equals: 6000
  - metric: read_latency_p99_us
    equals: 6000
  - metric: write_latency_p50_us
    equals: 5000
`;

  it("reports p50 = p95 = p99 = the hop sum when every read takes the same time", async () => {
    const { result, files } = await runToTexts(scenarioFromText(scenario));
    expect(result.expectations.map((e) => [e.found, e.passed])).toEqual([
      ["6000", true],
      ["6000", true],
      ["5000", true],
    ]);
    const [header, ...rows] = (files["summary.csv"] as string).trim().split("\n");
    const columns = (header as string).split(",");
    for (const row of rows) {
      const cells = row.split(",");
      const cell = (name: string) => cells[columns.indexOf(name)];
      expect(cell("reads")).toBe("4");
      expect(cell("write_latency_p99_us")).toBe("5000");
      for (const name of ["read_latency_p50_us", "read_latency_p95_us", "read_latency_p99_us"]) {
        expect(cell(name), name).toBe("6000");
      }
    }
  });
});
