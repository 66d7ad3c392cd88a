// Distributions as free functions of a generator, so any stream can feed any distribution.
import { keepingBetweenRuns, onLetGo } from "./betweenRuns.ts";
import type { Rng } from "./rng.ts";

/** Uniform integer in [min, max], both inclusive. */
export function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/** Exponential with the given mean (inverse transform; 1 - u keeps the log argument in (0, 1]). */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** The next `into.length` draws of exponential(rng, mean), in order, for a caller that reads them there. */
export function exponentialsInto(rng: Rng, mean: number, into: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i] = -mean * Math.log(1 - rng.next());
}

/** Standard normal by Box–Muller; draws exactly two uniforms per call so streams stay in step. */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * The last table built, for the next sampler over the same n and s: each point of a sweep (and each
 * workload of a run) makes its own sampler, and for 100,000 keys the table took 14 - 30 ms to build, a
 * quarter of a short point's time, and 3.2 MiB of arrays to collect. Nothing ever writes to a table, so a
 * second sampler reads the very numbers the first did. Held weakly (`weak`): a table no run uses any more
 * is still the collector's to take (16 bytes a key, 160 MiB for 10,000,000 keys), and then the next
 * sampler builds it again. Also held strongly (`held`) while runs are kept for the runs after them
 * (keepBetweenRuns: a sweep, between its points), where a full collection between two points took the
 * weak reference in about one point in eight. Building another table replaces the whole entry, so only
 * the last table is ever held.
 */
let lastBuilt: {
  n: number;
  s: number;
  weightSum: number;
  weak: WeakRef<Float64Array>;
  held: Float64Array | null;
} | null = null;
onLetGo(() => {
  if (lastBuilt !== null) lastBuilt.held = null;
});

/** Vose's alias table for Zipf(n, s), and the sum of the weights 1 / (k + 1)^s. */
function aliasTable(n: number, s: number): { table: Float64Array; weightSum: number } {
  // (k + 1)^s once per rank (a large key space spends most of its set-up here), kept in scaled until
  // the sum is known; the arithmetic is otherwise as it always was, so the tables are unchanged.
  const scaled = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const power = (k + 1) ** s;
    scaled[k] = power;
    sum += 1 / power;
  }
  for (let k = 0; k < n; k++) scaled[k] = n / (scaled[k] as number) / sum;
  const table = new Float64Array(2 * n);
  // Work lists as plain stacks, filled in index order so the tables depend on nothing but (n, s).
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let smallCount = 0;
  let largeCount = 0;
  for (let k = 0; k < n; k++) {
    if ((scaled[k] as number) < 1) small[smallCount++] = k;
    else large[largeCount++] = k;
  }
  while (smallCount > 0 && largeCount > 0) {
    const l = small[--smallCount] as number;
    const g = large[largeCount - 1] as number;
    table[2 * l] = scaled[l] as number;
    table[2 * l + 1] = g;
    scaled[g] = (scaled[g] as number) + (scaled[l] as number) - 1;
    if ((scaled[g] as number) < 1) {
      largeCount--;
      small[smallCount++] = g;
    }
  }
  // What is left has probability 1 up to rounding.
  while (largeCount > 0) table[2 * (large[--largeCount] as number)] = 1;
  while (smallCount > 0) table[2 * (small[--smallCount] as number)] = 1;
  return { table, weightSum: sum };
}

/**
 * Zipf over ranks 0..n-1 with exponent s: P(rank k) ∝ 1 / (k + 1)^s. Drawn by Vose's alias method: one
 * uniform and two table reads a draw, whatever n (a binary search over a cumulative table costs a
 * cache miss per step on large key spaces). A column's two numbers sit side by side in one table, so a
 * draw that reads both (most do: the tail's columns keep little of their own) costs one cache miss, not
 * two. The table costs 16 bytes a key; the key space is capped at load time.
 */
export class ZipfSampler {
  /** Tables built so far in this thread, for the tests that check their reuse (`lastBuilt`). */
  static tablesBuilt = 0;

  /** Column c's probability of keeping its own rank at 2c, the rank it passes the rest to at 2c + 1. */
  private readonly table: Float64Array;
  private readonly weightSum: number;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Zipf needs n >= 1, got ${n}`);
    const built = lastBuilt;
    const reused =
      built !== null && built.n === n && built.s === s ? (built.held ?? built.weak.deref()) : undefined;
    if (reused !== undefined && built !== null) {
      this.table = reused;
      this.weightSum = built.weightSum;
      if (keepingBetweenRuns()) built.held = reused;
      return;
    }
    // Another n or s: the held table (if any) is let go first, so it is not kept while this one is built.
    lastBuilt = null;
    const { table, weightSum } = aliasTable(n, s);
    this.table = table;
    this.weightSum = weightSum;
    ZipfSampler.tablesBuilt++;
    lastBuilt = { n, s, weightSum, weak: new WeakRef(table), held: keepingBetweenRuns() ? table : null };
  }

  sample(rng: Rng): number {
    const u = rng.next() * this.n;
    const column = Math.floor(u);
    const at = 2 * column;
    return u - column < (this.table[at] as number) ? column : (this.table[at + 1] as number);
  }

  /**
   * The next `into.length` draws of sample(rng), in order. A draw's one table read misses the cache on
   * a large key space, and one draw at a time each miss waits alone; here no read depends on another,
   * so the processor has several in flight at once.
   */
  sampleInto(rng: Rng, into: Int32Array): void {
    const table = this.table;
    const n = this.n;
    for (let i = 0; i < into.length; i++) {
      const u = rng.next() * n;
      const column = Math.floor(u);
      const at = 2 * column;
      into[i] = u - column < (table[at] as number) ? column : (table[at + 1] as number);
    }
  }

  /** P(rank k), for tests that compare draws with the distribution. */
  probability(k: number): number {
    return 1 / (k + 1) ** this.s / this.weightSum;
  }
}
