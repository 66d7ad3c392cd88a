// Distributions as free functions of a generator, so any stream can feed any distribution.
import type { Rng } from "./rng.ts";

/** Uniform integer in [min, max], both inclusive. */
export function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.next() * (max - min + 1));
}

/** Exponential with the given mean (inverse transform; 1 - u keeps the log argument in (0, 1]). */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** Standard normal by Box–Muller; draws exactly two uniforms per call so streams stay in step. */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Zipf over ranks 0..n-1 with exponent s: P(rank k) ∝ 1 / (k + 1)^s. The cumulative table costs 8 bytes
 * a key (the key space is capped at load time) and a draw is a binary search.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Zipf needs n >= 1, got ${n}`);
    const cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      cdf[k] = sum;
    }
    for (let k = 0; k < n; k++) cdf[k] = (cdf[k] as number) / sum;
    cdf[n - 1] = 1;
    this.cdf = cdf;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    const cdf = this.cdf;
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** P(rank k), for tests that compare draws with the distribution. */
  probability(k: number): number {
    const upper = this.cdf[k] as number;
    return k === 0 ? upper : upper - (this.cdf[k - 1] as number);
  }
}
