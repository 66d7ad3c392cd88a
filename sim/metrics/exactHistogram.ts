// An exact histogram of non-negative integer values (microseconds): every recorded value is kept with
// its count, so percentiles are exact values that were recorded, never bucket edges.
//
// Memory follows the number of distinct values, not the number recorded, so it stays bounded however
// long a run is. Two parts, both typed arrays, so recording allocates nothing:
// - Values below DENSE_LIMIT (16 ms, where nearly all latencies fall) are counted in pages of PAGE_SIZE
//   slots allocated when a value in their range is first seen: recording is an index and an increment.
//   Each page also keeps its total, so a percentile walks page totals and then one page, never the
//   whole range. `distinct` lists the values ever counted since the last reset, so merging and
//   resetting cost O(distinct values): an empty histogram costs nothing to merge or reset.
// - Larger values (staleness ages spread over a whole TTL, mostly distinct) are appended unsorted to a
//   pending buffer; when it fills it is sorted (a native numeric sort) and merged into sorted parallel
//   arrays of distinct values and their cumulative counts, so a rank is a binary search (and a sum of
//   histograms finds one by bisecting the value range, without copying its parts). The buffer holds at most a quarter of the distinct
//   values (at least PENDING_MIN), so the sort is amortised to O(log n) a value and memory stays
//   about 8 bytes a distinct value (32-bit values and counts, widened to 64 bits only once a value or
//   the count reaches 2^32).
//
// Percentiles use the nearest-rank definition: pXX is the smallest recorded value v such that at least
// ⌈XX/100 · N⌉ of the N recorded values are ≤ v. It is always one of the recorded values, so a constant
// 6,000 gives p50 = p99 = 6000, and no percentile exceeds the maximum.
import { SimulationError } from "../core/scheduler.ts";

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

/** Large values and their counts fit 32 bits until a value or the total count reaches 2^32. */
const UINT32_MAX = 0xffffffff;
type Column = Uint32Array | Float64Array;
const NO_VALUES: Column = new Uint32Array(0);
/** A sum of more parts than this is merged at once: reading it part by part costs O(parts) a value. */
const SUM_PARTS_MAX = 16;

export class ExactHistogram {
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
  /** Distinct values from DENSE_LIMIT up, increasing, with their counts (capacity may exceed length). */
  private largeValues: Column = NO_VALUES;
  /**
   * For each large value, how many values up to and including it were recorded among the large ones:
   * cumulative rather than per value, so a rank is a binary search, and a sum's rank is found without
   * walking its parts.
   */
  private largeCumulative: Column = NO_VALUES;
  private largeLength = 0;
  /** Large values (and their counts) not yet merged into largeValues, in arrival order. */
  private pendingValues: Column = NO_VALUES;
  private pendingCounts: Column = NO_VALUES;
  private pendingLength = 0;
  /** Every pending count is 1 (only record() appended): the buffer sorts natively, without indices. */
  private pendingUnit = true;
  /**
   * The large arrays are Float64Array rather than Uint32Array: a value or the count reached 2^32 (an
   * age of 71 minutes, or four billion values), so 8 bytes a distinct value suffice until then.
   */
  private wide = false;
  /**
   * Set when this histogram is the sum of others (sumOf) not merged yet: percentiles read through the
   * parts, and the first change merges them in.
   */
  private parts: readonly ExactHistogram[] | null = null;

  /**
   * A histogram holding the values of all the parts, for a total over many kept histograms: it costs
   * no copy of their values until it is changed, so a run's total row does not double the memory of
   * its nodes' rows. The parts must not change while the sum is read.
   */
  static sumOf(parts: readonly ExactHistogram[]): ExactHistogram {
    const sum = new ExactHistogram();
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
    if (value < DENSE_LIMIT && (value | 0) === value && value >= 0) {
      this.countDense(value, 1);
    } else {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new SimulationError(`a histogram can only hold non-negative integers, got ${value}`);
      }
      if (!this.wide && (value > UINT32_MAX || this.count > UINT32_MAX)) this.widen();
      if (this.pendingLength === this.pendingValues.length) this.makePendingRoom();
      this.pendingValues[this.pendingLength] = value;
      this.pendingCounts[this.pendingLength] = 1;
      this.pendingLength++;
    }
  }

  /** Adds another histogram's values into this one, in O(its distinct values) amortised. */
  add(other: ExactHistogram): void {
    if (other.count === 0) return;
    if (other.parts !== null) {
      for (const part of other.parts) this.add(part);
      return;
    }
    if (this.parts !== null) this.mergeParts();
    if (other === this) {
      const copy = new ExactHistogram();
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
    const n = other.largeLength;
    if (n === 0) return;
    if (!this.wide && (other.wide || this.count > UINT32_MAX)) this.widen();
    if (n * 64 >= this.largeLength) {
      // Comparable sizes: one linear merge of two sorted runs.
      this.compact();
      this.mergeSorted(other.largeValues, other.largeCumulative, n, true);
      return;
    }
    // Much smaller than what is kept: queue it, so many small merges do not each walk everything.
    for (let i = 0; i < n; i++) {
      if (this.pendingLength === this.pendingValues.length) this.makePendingRoom();
      this.pendingValues[this.pendingLength] = other.largeValues[i] as number;
      this.pendingCounts[this.pendingLength] = other.largeCountAt(i);
      this.pendingLength++;
    }
    this.pendingUnit = false;
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
    this.largeLength = 0;
    this.pendingLength = 0;
    this.pendingUnit = true;
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
    // The first large value whose cumulative count reaches the rank.
    const wanted = rank - this.denseCount;
    const cumulative = this.largeCumulative;
    let lo = 0;
    let hi = this.largeLength - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) >= wanted) hi = mid;
      else lo = mid + 1;
    }
    return this.largeValues[lo] as number;
  }

  /** How many times the i-th large value was recorded. */
  private largeCountAt(i: number): number {
    const cumulative = this.largeCumulative;
    return (cumulative[i] as number) - (i > 0 ? (cumulative[i - 1] as number) : 0);
  }

  /** How many large values up to v (inclusive) were recorded. */
  private largeUpTo(v: number): number {
    const values = this.largeValues;
    // The number of kept values ≤ v.
    let lo = 0;
    let hi = this.largeLength;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((values[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : (this.largeCumulative[lo - 1] as number);
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
    // The smallest v with at least `rank` values ≤ v is a recorded value, between DENSE_LIMIT and max.
    const wanted = rank - cumulative;
    let lo = DENSE_LIMIT;
    let hi = this.max;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let upTo = 0;
      for (const part of parts) upTo += part.largeUpTo(mid);
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

  private column(length: number): Column {
    return this.wide ? new Float64Array(length) : new Uint32Array(length);
  }

  /** From now on the large values and counts are kept as Float64Array. */
  private widen(): void {
    this.wide = true;
    this.largeValues = Float64Array.from(this.largeValues);
    this.largeCumulative = Float64Array.from(this.largeCumulative);
    this.pendingValues = Float64Array.from(this.pendingValues);
    this.pendingCounts = Float64Array.from(this.pendingCounts);
  }

  /** The pending buffer is full: merge it, then size it to a quarter of what is kept. */
  private makePendingRoom(): void {
    this.compact();
    const wanted = Math.max(PENDING_MIN, this.largeLength >>> 2);
    if (this.pendingValues.length < wanted) {
      this.pendingValues = this.column(wanted);
      this.pendingCounts = this.column(wanted);
    }
  }

  /** Sorts the pending values, sums equal ones, and merges them into the sorted large values. */
  private compact(): void {
    const length = this.pendingLength;
    if (length === 0) return;
    const values = this.pendingValues;
    const counts = this.pendingCounts;
    if (this.pendingUnit) {
      values.subarray(0, length).sort();
    } else {
      const order = new Uint32Array(length);
      for (let i = 0; i < length; i++) order[i] = i;
      order.sort((a, b) => (values[a] as number) - (values[b] as number));
      const sortedValues = this.column(length);
      const sortedCounts = this.column(length);
      for (let i = 0; i < length; i++) {
        sortedValues[i] = values[order[i] as number] as number;
        sortedCounts[i] = counts[order[i] as number] as number;
      }
      values.set(sortedValues);
      counts.set(sortedCounts);
    }
    // Sum runs of equal values in place.
    let distinct = 0;
    for (let i = 0; i < length; i++) {
      const value = values[i] as number;
      if (distinct > 0 && values[distinct - 1] === value) {
        counts[distinct - 1] = (counts[distinct - 1] as number) + (counts[i] as number);
      } else {
        values[distinct] = value;
        counts[distinct] = counts[i] as number;
        distinct++;
      }
    }
    this.pendingLength = 0;
    this.pendingUnit = true;
    this.mergeSorted(values, counts, distinct);
  }

  /**
   * Merges n sorted distinct values with their counts (or, when `cumulativeCounts`, their cumulative
   * counts) into the large values, in place from the end.
   */
  private mergeSorted(values: Column, counts: Column, n: number, cumulativeCounts = false): void {
    const kept = this.largeLength;
    let keptValues = this.largeValues;
    let keptCounts = this.largeCumulative;
    // Values already kept only add to a count; the others need a slot each.
    let fresh = 0;
    for (let i = 0, j = 0; j < n; ) {
      if (i < kept && (keptValues[i] as number) < (values[j] as number)) i++;
      else {
        if (i >= kept || keptValues[i] !== values[j]) fresh++;
        j++;
      }
    }
    const length = kept + fresh;
    if (length > keptValues.length) {
      // An eighth to spare: the next few merges fit without copying, and little memory idles.
      const capacity = length + (length >>> 3) + 64;
      const grownValues = this.column(capacity);
      const grownCounts = this.column(capacity);
      grownValues.set(keptValues.subarray(0, kept));
      grownCounts.set(keptCounts.subarray(0, kept));
      keptValues = grownValues;
      keptCounts = grownCounts;
      this.largeValues = grownValues;
      this.largeCumulative = grownCounts;
    }
    // Written from the end. A slot's new cumulative count is the kept cumulative count at or below its
    // value plus the incoming counts up to its value (`added`, which shrinks as incoming values are
    // placed), so no count needs unpicking from the cumulative ones.
    let added = 0;
    if (cumulativeCounts) added = counts[n - 1] as number;
    else for (let j = 0; j < n; j++) added += counts[j] as number;
    let i = kept - 1;
    let j = n - 1;
    let w = length - 1;
    while (j >= 0) {
      const incoming = values[j] as number;
      if (i >= 0 && (keptValues[i] as number) > incoming) {
        keptValues[w] = keptValues[i] as number;
        keptCounts[w] = (keptCounts[i] as number) + added;
        i--;
      } else {
        // Read the kept slot before writing: w can equal i.
        const below = i >= 0 ? (keptCounts[i] as number) : 0;
        if (i >= 0 && keptValues[i] === incoming) i--;
        keptValues[w] = incoming;
        keptCounts[w] = below + added;
        added = cumulativeCounts ? (j > 0 ? (counts[j - 1] as number) : 0) : added - (counts[j] as number);
        j--;
      }
      w--;
    }
    this.largeLength = length;
  }
}
