// The 4-bit count-min sketch of Caffeine's simulator (`CountMin4` with `PeriodicResetCountMin4`, the
// defaults of its reference.conf: regular increments, no doorkeeper, counters = the cache's maximum
// size rounded up to a power of two). Each table word holds sixteen 4-bit counters; an element uses
// one counter in each of four words. After 10 × (table length) increments every counter is halved.
//
// Java's 64-bit words become pairs of 32-bit words here (counters 0-7 in the low word, 8-15 in the high
// word), and Java's int arithmetic is Math.imul and `| 0`. Keys are strings, so the Java `hashCode` of
// a long key is replaced by MurmurHash3 of the key's UTF-8 bytes.
import { hash32 } from "../hashRing.ts";

/** FNV-1a, CityHash and Murmur3 seeds, as [high, low] 32-bit halves. */
const SEED_HI = [0xc3a5c85c, 0xb492b66f, 0x9ae16a3b, 0xcbf29ce4];
const SEED_LO = [0x97cb3127, 0xbe98f273, 0x2f90404f, 0x84222325];
/** Caffeine simulator's default random-seed (reference.conf). */
export const CAFFEINE_RANDOM_SEED = 1033096058;
const COUNTERS_MAX = 2 ** 26;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers. */
export function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0 + (low >>> 16);
  const mid2 = a0 * b1 + (mid1 & 0xffff);
  return (a1 * b1 + Math.floor(mid1 / 65536) + Math.floor(mid2 / 65536)) >>> 0;
}

/** Java: `long hash = SEED[i] * item; hash += hash >> 32; return ((int) hash) & tableMask`. */
export function sketchIndex(item: number, i: number, tableMask: number): number {
  const seedLo = SEED_LO[i] as number;
  const seedHi = SEED_HI[i] as number;
  const itemLo = item >>> 0;
  // The 64-bit product of the seed and the sign-extended item, modulo 2^64, as two 32-bit halves.
  const lo = Math.imul(seedLo, itemLo) >>> 0;
  let hi = (mulHi32(seedLo, itemLo) + Math.imul(seedHi, itemLo)) | 0;
  if (item < 0) hi = (hi - seedLo) | 0; // the item's high word is all ones: subtract seed × 2^32
  return ((lo + hi) | 0) & tableMask;
}

export class FrequencySketch {
  /** Two 32-bit words per Java long: [2i] low, [2i + 1] high. */
  private readonly table: Uint32Array;
  private readonly tableMask: number;
  private readonly period: number;
  private additions = 0;

  constructor(
    maximumSize: number,
    private readonly randomSeed = CAFFEINE_RANDOM_SEED,
  ) {
    const maximum = Math.min(Math.max(0, Math.floor(maximumSize)), COUNTERS_MAX);
    const length = maximum === 0 ? 1 : 2 ** Math.ceil(Math.log2(maximum));
    this.table = new Uint32Array(length * 2);
    this.tableMask = Math.max(0, length - 1);
    this.period = maximum === 0 ? 10 : 10 * length;
  }

  /** The estimated count of the key, 0 to 15. */
  frequency(key: string): number {
    const hash = this.spread(hash32(key) | 0);
    const start = (hash & 3) << 2;
    let frequency = 15;
    for (let i = 0; i < 4; i++) {
      const count = this.counter(this.indexOf(hash, i), start + i);
      if (count < frequency) frequency = count;
    }
    return frequency;
  }

  increment(key: string): void {
    const hash = this.spread(hash32(key) | 0);
    const start = (hash & 3) << 2;
    let added = false;
    for (let i = 0; i < 4; i++) {
      if (this.incrementAt(this.indexOf(hash, i), start + i)) added = true;
    }
    if (added && ++this.additions === this.period) this.reset();
  }

  /** Halves every counter; the sample count drops by half, less a quarter of the odd counters. */
  private reset(): void {
    let odd = 0;
    const table = this.table;
    for (let i = 0; i < table.length; i++) {
      const word = table[i] as number;
      odd += bitCount(word & 0x11111111);
      table[i] = (word >>> 1) & 0x77777777;
    }
    this.additions = (this.additions - (odd >>> 2)) >>> 1;
  }

  private counter(index: number, j: number): number {
    const word = this.table[index * 2 + (j >>> 3)] as number;
    return (word >>> ((j & 7) << 2)) & 0xf;
  }

  private incrementAt(index: number, j: number): boolean {
    const at = index * 2 + (j >>> 3);
    const shift = (j & 7) << 2;
    const word = this.table[at] as number;
    if (((word >>> shift) & 0xf) === 0xf) return false;
    this.table[at] = (word + (1 << shift)) >>> 0;
    return true;
  }

  private indexOf(item: number, i: number): number {
    return sketchIndex(item, i, this.tableMask);
  }

  private spread(x: number): number {
    let h = Math.imul((x >>> 16) ^ x, 0x45d9f3b);
    h = Math.imul((h >>> 16) ^ h, this.randomSeed);
    return (h >>> 16) ^ h;
  }
}

function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
