// An exact histogram of non-negative integer values (microseconds): every recorded value is kept with
// its count, so percentiles are exact values that were recorded, never bucket edges.
//
// Memory follows the number of distinct values, not the number recorded, so it stays bounded however
// long a run is. Two parts, both in typed arrays, so recording allocates nothing until a buffer fills:
// - Values below DENSE_LIMIT (16 ms, where nearly all latencies fall) are counted in pages of PAGE_SIZE
//   slots allocated when a value in their range is first seen: recording is an index and an increment.
//   Each page also keeps its total, so a percentile walks page totals and then one page, never the
//   whole range. `distinct` lists the values ever counted since the last reset, so merging and
//   resetting cost O(distinct values): an empty histogram costs nothing to merge or reset.
// - Larger values (staleness ages spread over a whole TTL, mostly distinct) are kept as PackedCounts:
//   sorted distinct values with their counts in about two bytes each (rather than 8 to 16 as two typed
//   arrays), indexed by blocks so a rank is a binary search and a short scan (and a sum of histograms
//   finds one by bisecting the value range, without copying its parts). record() appends to an
//   unsorted pending buffer of raw values; when it fills it is sorted (a native numeric sort) and
//   packed into a run. Runs, and whatever add() brings (another histogram's run, shared rather than
//   copied: runs never change), wait on a stack in which each run is less than half the one below;
//   pushing merges the top runs in one pass until that holds again, so a value is re-encoded O(log n)
//   times however small the pieces come (a 1 ms report interval into a long run), and the stack holds
//   O(log n) runs. A read merges the stack into one run first, in one pass. The pending buffer holds
//   a sixteenth of what is kept (at least PENDING_MIN): raw values cost 4 bytes each (8 once one
//   reaches 2^32), so a larger one would cost more than the values it waits to pack.
// A histogram made with the "packed" layout keeps every value the second way: for values spread over a
// whole TTL (staleness ages), the few that fall below DENSE_LIMIT would each bring a page of their own,
// 2 KiB for two or three values, and every node's histogram had most of its 64 pages that way.
//
// Percentiles use the nearest-rank definition: pXX is the smallest recorded value v such that at least
// ⌈XX/100 · N⌉ of the N recorded values are ≤ v. It is always one of the recorded values, so a constant
// 6,000 gives p50 = p99 = 6000, and no percentile exceeds the maximum.

import { PackedCounts } from "./packedCounts.ts";
import { SimulationError } from "./scheduler.ts";

const PAGE_BITS = 8;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/**
 * 2^14 us ≈ 16 ms, where nearly all latencies fall: at most 64 pages of 2 KiB, each allocated only when
 * used. Beyond it values are usually sparse (staleness ages spread over a whole TTL), where a page per
 * few values would cost far more than a sorted entry.
 */
const DENSE_LIMIT = 1 << 14;
const PAGE_COUNT = DENSE_LIMIT >>> PAGE_BITS;
/** Smallest pending buffer for large values: below it a sort is cheap whatever is already kept. */
const PENDING_MIN = 1024;

/** Pending large values fit 32 bits until one reaches 2^32 (an age of 71 minutes). */
const UINT32_MAX = 0xffffffff;
type Column = Uint32Array | Float64Array;
const NO_VALUES: Column = new Uint32Array(0);
/** A sum of more parts than this is merged at once: reading it part by part costs O(parts) a value. */
const SUM_PARTS_MAX = 16;

/**
 * Where a histogram keeps values below DENSE_LIMIT: counted in pages ("paged", for latencies, which
 * crowd there) or packed like the larger ones ("packed", for values that are sparse everywhere).
 */
export type HistogramLayout = "paged" | "packed";

export class ExactHistogram {
  /** Values below this are counted in pages: DENSE_LIMIT, or 0 for the packed layout. */
  private readonly denseLimit: number;
  /** Number of values recorded. */
  count = 0;
  /** Largest value recorded; 0 when empty. */
  max = 0;
  /** Counts of values below DENSE_LIMIT, by page; Float64 so no count wraps at 2^32. */
  private readonly pages: Array<Float64Array | undefined> = [];
  /** The sum of each page's counts. */
  private pageTotals: Float64Array | null = null;
  /** Values recorded below DENSE_LIMIT. */
  private denseCount = 0;
  /** Values below DENSE_LIMIT whose count went from 0 to 1 since the last reset. */
  private distinct = new Uint16Array(16);
  private distinctLength = 0;
  /**
   * Values from DENSE_LIMIT up with their counts, as runs of distinct values: runs[0] is the oldest
   * and largest, each later one less than half the one before; after compact() at most one.
   */
  private readonly runs: PackedCounts[] = [];
  /** Distinct values the runs hold together (a value in two runs counts twice). */
  private runsLength = 0;
  /** Large values recorded and not yet packed into a run, in arrival order. */
  private pendingValues: Column = NO_VALUES;
  private pendingLength = 0;
  /**
   * pendingValues is a Float64Array rather than a Uint32Array: a value reached 2^32, so 4 bytes a
   * pending value suffice until then.
   */
  private wide = false;
  /**
   * Set when this histogram is the sum of others (sumOf) not merged yet: percentiles read through the
   * parts, and the first change merges them in.
   */
  private parts: readonly ExactHistogram[] | null = null;

  constructor(readonly layout: HistogramLayout = "paged") {
    this.denseLimit = layout === "paged" ? DENSE_LIMIT : 0;
  }

  /**
   * A histogram holding the values of all the parts, for a total over many kept histograms: it costs
   * no copy of their values until it is changed, so a run's total row does not double the memory of
   * its nodes' rows. The parts must not change while the sum is read, and all have `layout`.
   */
  static sumOf(parts: readonly ExactHistogram[], layout: HistogramLayout = "paged"): ExactHistogram {
    const sum = new ExactHistogram(layout);
    for (const h of parts) sum.checkLayout(h);
    const kept = parts.flatMap((h) => (h.parts !== null ? h.parts : h.count > 0 ? [h] : []));
    if (kept.length > SUM_PARTS_MAX) {
      for (const h of kept) sum.add(h);
      return sum;
    }
    for (const h of kept) {
      sum.count += h.count;
      if (h.max > sum.max) sum.max = h.max;
    }
    if (kept.length > 0) sum.parts = kept;
    return sum;
  }

  record(value: number): void {
    if (this.parts !== null) this.mergeParts();
    this.count++;
    if (value > this.max) this.max = value;
    if (value < this.denseLimit && (value | 0) === value && value >= 0) {
      this.countDense(value, 1);
    } else {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new SimulationError(`a histogram can only hold non-negative integers, got ${value}`);
      }
      if (value > UINT32_MAX && !this.wide) this.widen();
      if (this.pendingLength === this.pendingValues.length) this.makePendingRoom();
      this.pendingValues[this.pendingLength++] = value;
    }
  }

  /**
   * Adds another histogram's values into this one, in O(its distinct values) for the dense ones and
   * O(log n) re-encodings of each large one, amortised.
   */
  add(other: ExactHistogram): void {
    this.checkLayout(other);
    if (other.count === 0) return;
    if (other.parts !== null) {
      for (const part of other.parts) this.add(part);
      return;
    }
    if (this.parts !== null) this.mergeParts();
    if (other === this) {
      const copy = new ExactHistogram(this.layout);
      copy.add(this);
      this.add(copy);
      return;
    }
    this.count += other.count;
    if (other.max > this.max) this.max = other.max;
    if (other.denseCount > 0) {
      const distinct = other.distinct;
      for (let i = 0; i < other.distinctLength; i++) {
        const value = distinct[i] as number;
        this.countDense(
          value,
          (other.pages[value >>> PAGE_BITS] as Float64Array)[value & PAGE_MASK] as number,
        );
      }
    }
    other.compact();
    if (other.runs.length > 0) this.pushRun(other.runs[0] as PackedCounts);
  }

  /** Empties the histogram in O(distinct values); buffers stay allocated for reuse. */
  reset(): void {
    if (this.count === 0) return;
    this.parts = null;
    const distinct = this.distinct;
    for (let i = 0; i < this.distinctLength; i++) {
      const value = distinct[i] as number;
      (this.pages[value >>> PAGE_BITS] as Float64Array)[value & PAGE_MASK] = 0;
    }
    this.pageTotals?.fill(0);
    this.distinctLength = 0;
    this.denseCount = 0;
    this.runs.length = 0;
    this.runsLength = 0;
    this.pendingLength = 0;
    this.count = 0;
    this.max = 0;
  }

  /**
   * The nearest-rank p-th percentile (0 < p ≤ 100), or undefined when nothing was recorded.
   */
  percentile(p: number): number | undefined {
    if (this.count === 0) return undefined;
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    // p·N is exact for the integer percentiles the reports use; the rounding guard keeps a p such as
    // 99.9 from landing one rank too high through binary fractions.
    const rank = Math.max(1, Math.ceil(Math.round(((p * this.count) / 100) * 1e6) / 1e6));
    if (this.parts !== null) return this.partsAtRank(this.parts, rank);
    if (rank <= this.denseCount) return this.denseAtRank(rank);
    this.compact();
    return (this.runs[0] as PackedCounts).atRank(rank - this.denseCount);
  }

  /**
   * Histograms of two layouts cannot be combined: in a paged one every packed value is at least
   * DENSE_LIMIT, which a packed one's values need not be.
   */
  private checkLayout(other: ExactHistogram): void {
    if (other.layout !== this.layout) {
      throw new Error(`cannot combine a ${other.layout} histogram with a ${this.layout} one`);
    }
  }

  /** Merges the parts of a sum into this histogram's own arrays. */
  private mergeParts(): void {
    const parts = this.parts as readonly ExactHistogram[];
    this.parts = null;
    this.count = 0;
    this.max = 0;
    for (const part of parts) this.add(part);
  }

  /**
   * The rank-th smallest value of the parts together: dense values page by page across the parts,
   * large ones by bisecting the value range, counting each part's values up to a guess by binary search.
   */
  private partsAtRank(parts: readonly ExactHistogram[], rank: number): number {
    let cumulative = 0;
    for (const part of parts) cumulative += part.denseCount;
    if (rank <= cumulative) {
      cumulative = 0;
      for (let page = 0; page < PAGE_COUNT; page++) {
        let pageTotal = 0;
        for (const part of parts) pageTotal += part.pageTotals?.[page] ?? 0;
        if (cumulative + pageTotal < rank) {
          cumulative += pageTotal;
          continue;
        }
        for (let slot = 0; ; slot++) {
          for (const part of parts) cumulative += part.pages[page]?.[slot] ?? 0;
          if (cumulative >= rank) return (page << PAGE_BITS) | slot;
        }
      }
    }
    for (const part of parts) part.compact();
    // The smallest v with at least `rank` values ≤ v is a recorded value, between the dense limit and
    // max.
    const wanted = rank - cumulative;
    let lo = this.denseLimit;
    let hi = this.max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let upTo = 0;
      for (const part of parts) upTo += part.runs[0]?.countUpTo(mid) ?? 0;
      if (upTo >= wanted) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private countDense(value: number, n: number): void {
    const pageIndex = value >>> PAGE_BITS;
    let page = this.pages[pageIndex];
    if (page === undefined) {
      page = new Float64Array(PAGE_SIZE);
      this.pages[pageIndex] = page;
    }
    let totals = this.pageTotals;
    if (totals === null) {
      totals = new Float64Array(PAGE_COUNT);
      this.pageTotals = totals;
    }
    const slot = value & PAGE_MASK;
    const before = page[slot] as number;
    page[slot] = before + n;
    totals[pageIndex] = (totals[pageIndex] as number) + n;
    this.denseCount += n;
    if (before === 0) {
      if (this.distinctLength === this.distinct.length) {
        const grown = new Uint16Array(Math.min(DENSE_LIMIT, this.distinct.length * 4));
        grown.set(this.distinct);
        this.distinct = grown;
      }
      this.distinct[this.distinctLength++] = value;
    }
  }

  /** The value of the rank-th smallest dense value (1 ≤ rank ≤ denseCount). */
  private denseAtRank(rank: number): number {
    const totals = this.pageTotals as Float64Array;
    let cumulative = 0;
    let pageIndex = 0;
    while (cumulative + (totals[pageIndex] as number) < rank) cumulative += totals[pageIndex++] as number;
    const page = this.pages[pageIndex] as Float64Array;
    let slot = 0;
    for (;;) {
      cumulative += page[slot] as number;
      if (cumulative >= rank) return (pageIndex << PAGE_BITS) | slot;
      slot++;
    }
  }

  /** From now on pending values are kept as Float64Array. */
  private widen(): void {
    this.wide = true;
    this.pendingValues = Float64Array.from(this.pendingValues);
  }

  /** The pending buffer is full: pack it, then size it to a sixteenth of what is kept. */
  private makePendingRoom(): void {
    this.packPending();
    const wanted = Math.max(PENDING_MIN, Math.floor(this.runsLength / 16));
    if (this.pendingValues.length < wanted) {
      this.pendingValues = this.wide ? new Float64Array(wanted) : new Uint32Array(wanted);
    }
  }

  /** Sorts the pending values into a run. */
  private packPending(): void {
    const length = this.pendingLength;
    if (length === 0) return;
    const values = this.pendingValues;
    values.subarray(0, length).sort();
    this.pendingLength = 0;
    this.pushRun(PackedCounts.fromSorted(values, null, length));
  }

  /** Stacks a run, merged in one pass with the runs on top it would otherwise reach half of. */
  private pushRun(run: PackedCounts): void {
    const runs = this.runs;
    this.runsLength += run.length;
    // The runs on top that the new one, with those above them, reaches half of: merged in one pass
    // rather than two at a time, which would encode the newest values again at every step.
    let from = runs.length;
    let size = run.length;
    while (from > 0 && (runs[from - 1] as PackedCounts).length <= 2 * size) {
      from--;
      size += (runs[from] as PackedCounts).length;
    }
    if (from === runs.length) {
      runs.push(run);
      return;
    }
    const merging = runs.splice(from);
    merging.push(run);
    const merged = PackedCounts.mergeAll(merging);
    this.runsLength += merged.length - size;
    runs.push(merged);
  }

  /** Packs the pending values and merges all runs into one, for reading. */
  private compact(): void {
    this.packPending();
    const runs = this.runs;
    if (runs.length < 2) return;
    const merged = PackedCounts.mergeAll(runs);
    runs.length = 0;
    runs.push(merged);
    this.runsLength = merged.length;
  }
}
