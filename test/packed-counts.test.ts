// Guards the packed encoding under the exact histogram's large values: every rank and every "how many
// values ≤ v" agree with a plain sorted list, at and around each value (so at each block boundary),
// for gaps and counts beyond 2^32, and merging is exact.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PackedCounts } from "../sim/core/packedCounts.ts";

/** Values and counts as the reference keeps them: distinct, increasing. */
type Entries = Array<[value: number, count: number]>;

/** Sums equal values of an unsorted list into sorted distinct entries. */
function entriesOf(pairs: ReadonlyArray<readonly [number, number]>): Entries {
  const counts = new Map<number, number>();
  for (const [value, count] of pairs) counts.set(value, (counts.get(value) ?? 0) + count);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

function pack(entries: Entries): PackedCounts {
  return PackedCounts.fromSorted(
    entries.map((e) => e[0]),
    entries.map((e) => e[1]),
    entries.length,
  );
}

/** Checks every rank and the count up to each value, one below it and one above it, against entries. */
function expectSame(packed: PackedCounts, entries: Entries): void {
  expect(packed.length).toBe(entries.length);
  let total = 0;
  entries.forEach(([value, count], i) => {
    expect(packed.countUpTo(value - 1), `count up to ${value - 1}`).toBe(total);
    // The first and the last rank that land on this value.
    expect(packed.atRank(total + 1), `rank ${total + 1}`).toBe(value);
    total += count;
    expect(packed.atRank(total), `rank ${total}`).toBe(value);
    expect(packed.countUpTo(value), `count up to ${value}`).toBe(total);
    if (entries[i + 1]?.[0] !== value + 1) expect(packed.countUpTo(value + 1)).toBe(total);
  });
  expect(packed.total).toBe(total);
  expect(packed.countUpTo(Number.MAX_SAFE_INTEGER)).toBe(total);
}

/** Gaps of every encoded length: one byte, a few, beyond 2^32 and up to the largest safe integer. */
const value = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2000 }), weight: 6 },
  { arbitrary: fc.integer({ min: 0, max: 60_000_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 2 ** 32 - 3, max: 2 ** 32 + 3 }), weight: 1 },
  { arbitrary: fc.integer({ min: 2 ** 52, max: Number.MAX_SAFE_INTEGER }), weight: 1 },
);
/** Mostly 1 (the flag alone), sometimes small, sometimes beyond 2^32. */
const count = fc.oneof(
  { arbitrary: fc.constant(1), weight: 6 },
  { arbitrary: fc.integer({ min: 2, max: 300 }), weight: 3 },
  { arbitrary: fc.integer({ min: 2 ** 32 - 2, max: 2 ** 40 }), weight: 1 },
);
/**
 * Enough entries for several blocks of 128 (size "max": fast-check otherwise keeps arrays short). Tests
 * over them stop at the first failure: shrinking hundreds of entries would take minutes.
 */
const pairs = fc.array(fc.tuple(value, count), { maxLength: 700, size: "max" });

describe("PackedCounts", () => {
  it("answers every rank and every count up to v like a sorted list, across block boundaries", () => {
    fc.assert(
      fc.property(pairs, (list) => {
        const entries = entriesOf(list);
        expectSame(pack(entries), entries);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it("is exact for consecutive values filling blocks exactly, and one more", () => {
    // 128 entries a block: 127, 128, 129, 256 and 257 entries put the last entry just before, on and
    // after a block boundary.
    for (const n of [1, 127, 128, 129, 255, 256, 257, 1000]) {
      const entries: Entries = Array.from({ length: n }, (_, i) => [20_000 + i * 3, (i % 3) + 1]);
      expectSame(pack(entries), entries);
    }
  });

  it("merges two packings into the packing of all their values, counts of equal values summed", () => {
    fc.assert(
      fc.property(pairs, pairs, (a, b) => {
        const merged = PackedCounts.merge(pack(entriesOf(a)), pack(entriesOf(b)));
        expectSame(merged, entriesOf([...a, ...b]));
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it("merges any number of packings in one pass, like merging them two at a time", () => {
    fc.assert(
      fc.property(fc.array(pairs, { maxLength: 6 }), (lists) => {
        const merged = PackedCounts.mergeAll(lists.map((list) => pack(entriesOf(list))));
        expectSame(merged, entriesOf(lists.flat()));
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it("sums equal neighbours when built from sorted values with repeats", () => {
    const values = [16_384, 16_384, 16_385, 2 ** 33, 2 ** 33, 2 ** 33];
    const packed = PackedCounts.fromSorted(values, null, values.length);
    expectSame(packed, [
      [16_384, 2],
      [16_385, 1],
      [2 ** 33, 3],
    ]);
  });

  it("takes about two bytes a value for values a few hundred apart, most recorded once", () => {
    const entries: Entries = Array.from({ length: 100_000 }, (_, i) => [
      16_384 + i * 400,
      i % 10 === 0 ? 2 : 1,
    ]);
    const packed = pack(entries);
    expect(packed.byteLength / entries.length).toBeLessThan(2.5);
    expect(packed.atRank(packed.total)).toBe(16_384 + 99_999 * 400);
  });
});
