// XXH64 (Yann Collet's xxHash, 64-bit) of one 64-bit word, as libCacheSim hashes an object id: the id's
// 8 bytes in little-endian order, with a 64-bit seed. Only this 8-byte input is needed (the counting
// Bloom filter of `countingBloomFilter.ts`), so the function is the algorithm's short-input path: no
// stripes, one 8-byte lane, then the final avalanche. The 64-bit words are pairs of unsigned 32-bit
// halves, multiplied modulo 2^64 with Math.imul and `mulHi32`, because BigInt arithmetic made hashing
// most of a replay's time.
import { mulHi32 } from "./frequencySketch.ts";

// The primes as [high, low] halves.
const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;

/**
 * Writes XXH64 of the 8 little-endian bytes of the word (wordHi × 2^32 + wordLo) with the seed
 * (seedHi × 2^32 + seedLo) into `out` as [high, low] unsigned 32-bit halves.
 */
export function xxh64OfWord(
  wordHi: number,
  wordLo: number,
  seedHi: number,
  seedLo: number,
  out: Uint32Array,
): void {
  // h = seed + PRIME5 + 8 (the input length)
  let lo = seedLo + P5_LO + 8;
  let hi = (seedHi + P5_HI + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  lo >>>= 0;
  // lane = rotl(word × PRIME2, 31) × PRIME1
  let kLo = Math.imul(wordLo, P2_LO) >>> 0;
  let kHi = (mulHi32(wordLo, P2_LO) + Math.imul(wordHi, P2_LO) + Math.imul(wordLo, P2_HI)) >>> 0;
  let rHi = ((kHi << 31) | (kLo >>> 1)) >>> 0;
  let rLo = ((kLo << 31) | (kHi >>> 1)) >>> 0;
  kLo = Math.imul(rLo, P1_LO) >>> 0;
  kHi = (mulHi32(rLo, P1_LO) + Math.imul(rHi, P1_LO) + Math.imul(rLo, P1_HI)) >>> 0;
  hi = (hi ^ kHi) >>> 0;
  lo = (lo ^ kLo) >>> 0;
  // h = rotl(h, 27) × PRIME1 + PRIME4
  rHi = ((hi << 27) | (lo >>> 5)) >>> 0;
  rLo = ((lo << 27) | (hi >>> 5)) >>> 0;
  lo = Math.imul(rLo, P1_LO) >>> 0;
  hi = (mulHi32(rLo, P1_LO) + Math.imul(rHi, P1_LO) + Math.imul(rLo, P1_HI)) >>> 0;
  lo += P4_LO;
  hi = (hi + P4_HI + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  lo >>>= 0;
  // avalanche: h ^= h >> 33; h *= PRIME2; h ^= h >> 29; h *= PRIME3; h ^= h >> 32
  lo = (lo ^ (hi >>> 1)) >>> 0;
  rLo = Math.imul(lo, P2_LO) >>> 0;
  hi = (mulHi32(lo, P2_LO) + Math.imul(hi, P2_LO) + Math.imul(lo, P2_HI)) >>> 0;
  lo = rLo;
  lo = (lo ^ ((lo >>> 29) | (hi << 3))) >>> 0;
  hi = (hi ^ (hi >>> 29)) >>> 0;
  rLo = Math.imul(lo, P3_LO) >>> 0;
  hi = (mulHi32(lo, P3_LO) + Math.imul(hi, P3_LO) + Math.imul(lo, P3_HI)) >>> 0;
  lo = (rLo ^ hi) >>> 0;
  out[0] = hi;
  out[1] = lo;
}
