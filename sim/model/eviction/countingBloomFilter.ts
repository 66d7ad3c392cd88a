// The frequency sketch of libCacheSim's W-TinyLFU (`minimalIncrementCBF.c`): a counting Bloom filter
// sized for `entries` elements at a 0.1 % false-positive rate, the textbook way: ln(1/0.001) / ln(2)^2
// = 14.38 counters per element (rounded up over all of them, at least twice the hash count) and
// ceil(ln 2 × 14.38) = 10 hash functions. Counter i of an element is (a + i × b) mod counters, with a
// and b the low 32 bits of XXH64 of its 64-bit id under libCacheSim's seeds HASH_SEED0 and HASH_SEED1,
// in 32-bit unsigned arithmetic as the C code does it.
// - The estimate is the least of the element's counters.
// - Adding increments every one of its counters (despite the source file's name there is no "minimal
//   increment": the C code raises them all), unless the least is already at 2^32 - 1; a counter that is
//   not the least wraps round as a C unsigned int does.
// - Decay halves every counter; when to decay is the caller's rule.
import { xxh64OfWord } from "./xxh64.ts";

/** libCacheSim's HASH_SEED0 and HASH_SEED1 (dataStructure/hash/hash.h), 64-bit seeds with a zero high half. */
export const SEED_A = 0x12345678;
export const SEED_B = 0x12344321;
/** The false-positive rate libCacheSim's W-TinyLFU asks of its filter. */
const ERROR_RATE = 0.001;
/** ln(2)^2 with the digits libCacheSim writes, so the counter count comes out the same. */
const LN2_SQUARED = 0.480453013918201;
const COUNTER_MAX = 0xffffffff;
/** Most counters a filter may have: 2^25 (128 MiB of 32-bit counters). */
export const BLOOM_COUNTERS_MAX = 2 ** 25;

/** Counters and hash functions of a filter for `entries` elements (libCacheSim's formulas). */
export function bloomShape(entries: number): { counters: number; hashes: number } {
  const perEntry = -Math.log(ERROR_RATE) / LN2_SQUARED;
  // libCacheSim writes ln 2 with 15 digits; ceil(ln 2 × 14.38) is 10 with either.
  const hashes = Math.ceil(Math.LN2 * perEntry);
  const counters = Math.min(Math.ceil(perEntry * entries), 2 ** 31 - 1);
  return { counters: counters < hashes ? 2 * hashes : counters, hashes };
}

const hash = new Uint32Array(2);

/**
 * Writes the two 32-bit hashes that place a 64-bit object id (idHi × 2^32 + idLo) in the filter into
 * `out` as [a, b]: the low halves of its XXH64 under each seed (C's `unsigned int a = XXH64(...)`).
 */
export function bloomHashes(idHi: number, idLo: number, out: Uint32Array): void {
  xxh64OfWord(idHi, idLo, 0, SEED_A, hash);
  out[0] = hash[1] as number;
  xxh64OfWord(idHi, idLo, 0, SEED_B, hash);
  out[1] = hash[1] as number;
}

export class CountingBloomFilter {
  private readonly counts: Uint32Array;
  private readonly hashes: number;

  constructor(entries: number) {
    const shape = bloomShape(entries);
    if (shape.counters > BLOOM_COUNTERS_MAX)
      throw new Error(`a counting Bloom filter of ${shape.counters} counters is over ${BLOOM_COUNTERS_MAX}`);
    this.counts = new Uint32Array(shape.counters);
    this.hashes = shape.hashes;
  }

  get counters(): number {
    return this.counts.length;
  }

  /** The least of the element's counters (a, b: its `bloomHashes`). */
  estimate(a: number, b: number): number {
    const counts = this.counts;
    const n = counts.length;
    let least = COUNTER_MAX;
    for (let i = 0; i < this.hashes; i++) {
      const count = counts[((a + Math.imul(i, b)) >>> 0) % n] as number;
      if (count < least) least = count;
    }
    return least;
  }

  add(a: number, b: number): void {
    if (this.estimate(a, b) === COUNTER_MAX) return;
    const counts = this.counts;
    const n = counts.length;
    // A Uint32Array wraps at 2^32 as the C unsigned counters do.
    for (let i = 0; i < this.hashes; i++) {
      const at = ((a + Math.imul(i, b)) >>> 0) % n;
      counts[at] = (counts[at] as number) + 1;
    }
  }

  decay(): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) >>> 1;
  }

  clear(): void {
    this.counts.fill(0);
  }
}
