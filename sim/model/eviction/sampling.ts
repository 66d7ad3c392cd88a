// Spatially sampled miss-ratio curves, for every policy: SHARDS's sampling (Waldspurger et al., "Efficient
// MRC Construction with SHARDS", FAST '15) feeding scaled-down replays, the "miniature simulations" of
// Waldspurger et al., USENIX ATC '17. A key is kept when a fixed, seeded hash of it, modulo P, is below
// a threshold T: every request for a kept key stays, every other goes, so the sample keeps each kept
// key's whole reuse pattern. The rate is R = T / P, and a cache of C (entries or bytes) is modelled by
// replaying the sample against a cache of round(C × R), at least 1; the sample's miss ratio estimates
// the full stream's. The hash is of the key's text as the replay names it, never of an order a map
// keeps, so a sample is the same on every run, walk and thread.
import murmurhash from "murmurhash";
import type { MrcRow, RequestSource } from "./mrc.ts";
import type { DenseRequests } from "./replay/denseRequests.ts";
import type { Request } from "./replay.ts";

/** P: rates are counted in millionths (2^32 mod P is small, so the hash's remainder is all but uniform). */
export const SAMPLE_MODULUS = 1_000_000;

/** The hash's seed: a constant, so that a key is in or out of every sample the same way. */
const SAMPLE_HASH_SEED = 0x5a4d5253;

export interface SpatialSampling {
  /** R = threshold / SAMPLE_MODULUS. */
  readonly rate: number;
  /** T: a key is kept when its hash modulo P is below this. */
  readonly threshold: number;
}

/** The sampling at the rate nearest `rate` that P can express; rate in (0, 1]. */
export function spatialSampling(rate: number): SpatialSampling {
  const threshold = Math.round(rate * SAMPLE_MODULUS);
  return { rate: threshold / SAMPLE_MODULUS, threshold };
}

/** The key's hash modulo P: the sample keeps the key when this is below its threshold. */
export function keyRemainder(key: string): number {
  return (murmurhash.v3(key, SAMPLE_HASH_SEED) >>> 0) % SAMPLE_MODULUS;
}

/** Whether the sample keeps the key. */
export function keepsKey(sampling: SpatialSampling, key: string): boolean {
  return keyRemainder(key) < sampling.threshold;
}

/**
 * Fixed-size sampling (SHARDS's S_max), offline: the highest threshold that keeps at most `keys` of the
 * stream's distinct keys, given every key's remainder. SHARDS lowers its threshold as the stream goes;
 * knowing the whole stream, the threshold it would end with is taken from the start, so every kept key
 * keeps all its requests. Keys whose remainder equals the threshold are all out, so a tie keeps fewer.
 */
export function samplingOfKeys(remainders: readonly number[], keys: number): SpatialSampling {
  if (remainders.length <= keys) return { rate: 1, threshold: SAMPLE_MODULUS };
  const sorted = Float64Array.from(remainders).sort();
  const threshold = sorted[keys] as number;
  return { rate: threshold / SAMPLE_MODULUS, threshold };
}

/** The cache a sampled replay models a cache of `size` with: round(size × R), at least 1. */
export function sampledSize(sampling: SpatialSampling, size: number): number {
  return Math.max(1, Math.round(size * sampling.rate));
}

/** A sampled stream held densely, with each key's text (names[id]), so replays see the keys they would. */
export interface SampledRequests {
  dense: DenseRequests;
  names: string[];
  /** The whole stream's requests, distinct keys and bytes: what the sample is a share of. */
  streamRequests: number;
  streamKeys: number;
  streamBytes: number;
}

/** The sampled stream as requests with their keys' text, walked from memory. */
export function sampledSource(sample: { dense: DenseRequests; names: readonly string[] }): RequestSource {
  const { dense, names } = sample;
  return function* walk(): Generator<Request> {
    const request: Request = { key: "", size: 0 };
    const { ids, keySizes, sizes, count } = dense;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      request.key = names[id] as string;
      request.size = (sizes === null ? keySizes[id] : sizes[i]) as number;
      yield request;
    }
  };
}

/**
 * The sampled curves as rows of the full-size curves: each asked size gets the row of its scaled size
 * (its counts the sample's own) and the rate. The ratios are SHARDS's adjusted estimate (SHARDS_adj):
 * the sample's misses over the requests a sample at rate R is expected to hold (the stream's × R),
 * not over the requests it happens to hold. A key's requests are all in or all out, so one hot key
 * makes a sample much larger or smaller than R predicts, and it hits at almost every size: counting
 * the difference as hits (SHARDS adds it to the histogram's first bucket) takes it out of the ratio.
 * Bytes likewise, over the stream's bytes × R. Estimates are kept within [0, 1].
 */
export function sampledRows(
  sampling: SpatialSampling,
  sizes: readonly number[],
  scaledRows: readonly MrcRow[],
  stream: { requests: number; bytes: number },
): MrcRow[] {
  const byPoint = new Map(scaledRows.map((r) => [`${r.policy} ${r.size}`, r]));
  const policies = [...new Set(scaledRows.map((r) => r.policy))];
  const expectedRequests = stream.requests * sampling.rate;
  const expectedBytes = stream.bytes * sampling.rate;
  const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.min(1, part / whole));
  return policies.flatMap((policy) =>
    sizes.map((size) => {
      const scaled = byPoint.get(`${policy} ${sampledSize(sampling, size)}`) as MrcRow;
      const byteMissRatio = share(scaled.missBytes, expectedBytes);
      return {
        ...scaled,
        size,
        missRatio: share(scaled.misses, expectedRequests),
        byteMissRatio,
        byteHitRate: expectedBytes === 0 ? 0 : 1 - byteMissRatio,
        sampleRate: sampling.rate,
      };
    }),
  );
}

/** How far a sampled curve lies from the full replay's: over its sizes, the mean and the largest gap. */
export interface SampleError {
  policy: string;
  missRatioMae: number;
  missRatioMax: number;
  byteMissRatioMae: number;
}

export function sampleErrors(sampled: readonly MrcRow[], exact: readonly MrcRow[]): SampleError[] {
  const errors = new Map<string, { n: number; sum: number; max: number; byteSum: number }>();
  sampled.forEach((s, i) => {
    const e = exact[i] as MrcRow;
    if (e.policy !== s.policy || e.size !== s.size) throw new Error("sampled and exact rows differ in order");
    const gap = Math.abs(s.missRatio - e.missRatio);
    const acc = errors.get(s.policy) ?? { n: 0, sum: 0, max: 0, byteSum: 0 };
    acc.n++;
    acc.sum += gap;
    acc.max = Math.max(acc.max, gap);
    acc.byteSum += Math.abs(s.byteMissRatio - e.byteMissRatio);
    errors.set(s.policy, acc);
  });
  return [...errors].map(([policy, a]) => ({
    policy,
    missRatioMae: a.sum / a.n,
    missRatioMax: a.max,
    byteMissRatioMae: a.byteSum / a.n,
  }));
}
