// An exact histogram of non-negative integer values (microseconds): every recorded value is kept with
// its count, so percentiles are exact values that were recorded, never bucket edges.
//
// Memory follows the number of distinct values, not the number recorded, so it stays bounded however
// long a run is. Values below DENSE_LIMIT (16 ms, where nearly all latencies fall) are counted
// in pages of PAGE_SIZE slots allocated when a value in their range is first seen: recording is an
// index and an increment, with no hashing. Larger values go to a Map. `distinct` lists the page values
// ever counted since the last reset, so merging and resetting cost O(distinct values), not O(range):
// an empty histogram costs nothing to merge or reset.
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
 * few values would cost far more than a Map entry.
 */
const DENSE_LIMIT = 1 << 14;

export class ExactHistogram {
  /** Number of values recorded. */
  count = 0;
  /** Largest value recorded; 0 when empty. */
  max = 0;
  private readonly pages: Array<Float64Array | undefined> = [];
  /** Values below DENSE_LIMIT whose count went from 0 to 1 since the last reset. */
  private distinct: number[] = [];
  private readonly large = new Map<number, number>();
  /** Distinct values in increasing order with their counts; rebuilt after a change. */
  private sorted: { values: number[]; counts: number[] } | null = null;

  record(value: number): void {
    this.count++;
    if (value > this.max) this.max = value;
    this.sorted = null;
    if (value < DENSE_LIMIT && (value | 0) === value && value >= 0) {
      const pageIndex = value >>> PAGE_BITS;
      let page = this.pages[pageIndex];
      if (page === undefined) {
        page = new Float64Array(PAGE_SIZE);
        this.pages[pageIndex] = page;
      }
      const slot = value & PAGE_MASK;
      const before = page[slot] as number;
      page[slot] = before + 1;
      if (before === 0) this.distinct.push(value);
    } else {
      this.recordLarge(value, 1);
    }
  }

  /** Adds another histogram's values into this one, in O(its distinct values). */
  add(other: ExactHistogram): void {
    if (other.count === 0) return;
    this.count += other.count;
    if (other.max > this.max) this.max = other.max;
    this.sorted = null;
    for (const value of other.distinct) {
      const n = (other.pages[value >>> PAGE_BITS] as Float64Array)[value & PAGE_MASK] as number;
      const pageIndex = value >>> PAGE_BITS;
      let page = this.pages[pageIndex];
      if (page === undefined) {
        page = new Float64Array(PAGE_SIZE);
        this.pages[pageIndex] = page;
      }
      const before = page[value & PAGE_MASK] as number;
      page[value & PAGE_MASK] = before + n;
      if (before === 0) this.distinct.push(value);
    }
    for (const [value, n] of other.large) this.recordLarge(value, n);
  }

  /** Empties the histogram in O(distinct values); pages stay allocated for reuse. */
  reset(): void {
    if (this.count === 0) return;
    for (const value of this.distinct) {
      (this.pages[value >>> PAGE_BITS] as Float64Array)[value & PAGE_MASK] = 0;
    }
    this.distinct = [];
    this.large.clear();
    this.count = 0;
    this.max = 0;
    this.sorted = null;
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
    const { values, counts } = this.sortedValues();
    let cumulative = 0;
    for (let i = 0; i < values.length; i++) {
      cumulative += counts[i] as number;
      if (cumulative >= rank) return values[i] as number;
    }
    return this.max;
  }

  private recordLarge(value: number, n: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SimulationError(`a histogram can only hold non-negative integers, got ${value}`);
    }
    this.large.set(value, (this.large.get(value) ?? 0) + n);
  }

  private sortedValues(): { values: number[]; counts: number[] } {
    if (this.sorted !== null) return this.sorted;
    const values = [...this.distinct, ...this.large.keys()].sort((a, b) => a - b);
    const counts = values.map((v) =>
      v < DENSE_LIMIT
        ? ((this.pages[v >>> PAGE_BITS] as Float64Array)[v & PAGE_MASK] as number)
        : (this.large.get(v) as number),
    );
    this.sorted = { values, counts };
    return this.sorted;
  }
}
