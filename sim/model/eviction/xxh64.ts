// XXH64 (Yann Collet's xxHash, 64-bit) of one 64-bit word, as libCacheSim hashes an object id: the id's
// 8 bytes in little-endian order, with a 64-bit seed. Only this 8-byte input is needed (the counting
// Bloom filter of `countingBloomFilter.ts`), so the function is the algorithm's short-input path: no
// stripes, one 8-byte lane, then the final avalanche. BigInt arithmetic keeps it exact modulo 2^64;
// callers hash a key once, on insertion, and keep the result on the entry.

const MASK = (1n << 64n) - 1n;
const PRIME1 = 0x9e3779b185ebca87n;
const PRIME2 = 0xc2b2ae3d27d4eb4fn;
const PRIME3 = 0x165667b19e3779f9n;
const PRIME4 = 0x85ebca77c2b2ae63n;
const PRIME5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

/** XXH64 of the 8 little-endian bytes of `word` (0 to 2^64 - 1) with `seed`, as an unsigned 64-bit BigInt. */
export function xxh64OfWord(word: bigint, seed: bigint): bigint {
  let h = (seed + PRIME5 + 8n) & MASK;
  const lane = (rotl((word * PRIME2) & MASK, 31n) * PRIME1) & MASK;
  h ^= lane;
  h = (rotl(h, 27n) * PRIME1 + PRIME4) & MASK;
  h ^= h >> 33n;
  h = (h * PRIME2) & MASK;
  h ^= h >> 29n;
  h = (h * PRIME3) & MASK;
  h ^= h >> 32n;
  return h;
}
