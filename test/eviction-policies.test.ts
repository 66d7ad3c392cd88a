// Guards each eviction policy's own behaviour on short sequences traced by hand through its reference
// implementation (libCacheSim for FIFO, CLOCK, LFU, SIEVE, S3-FIFO, ARC, SLRU, Belady, 2Q, MRU, GDSF,
// LFU-DA, QD-LP-FIFO, Random, and its W-TinyLFU for wtinylfu-libcachesim; the paper for LIRS; Caffeine's
// simulator for W-TinyLFU), the frequency sketch's 64-bit arithmetic against BigInt, and libCacheSim's
// counting Bloom filter (its XXH64 against values printed by libCacheSim's own xxhash.h).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import type { ArcPolicy } from "../sim/model/eviction/arc.ts";
import {
  bloomHashes,
  bloomShape,
  CountingBloomFilter,
  SEED_A,
  SEED_B,
} from "../sim/model/eviction/countingBloomFilter.ts";
import { FrequencySketch, mulHi32, sketchIndex } from "../sim/model/eviction/frequencySketch.ts";
import type { GdsfPolicy } from "../sim/model/eviction/gdsf.ts";
import type { LfuDaPolicy } from "../sim/model/eviction/lfuda.ts";
import type { LirsPolicy } from "../sim/model/eviction/lirs.ts";
import type { QdlpPolicy } from "../sim/model/eviction/qdlp.ts";
import type { TwoQPolicy } from "../sim/model/eviction/twoq.ts";
import { objectId, type WTinyLfuLibcachesimPolicy } from "../sim/model/eviction/wtinylfuLibcachesim.ts";
import { xxh64OfWord } from "../sim/model/eviction/xxh64.ts";
import { evictionPolicies, evictionPolicy } from "../sim/model/evictionPolicies.ts";
import type { LocalCache } from "../sim/model/localCache.ts";

function cacheOf(name: string, capacity: number, options: Record<string, unknown> = {}, next?: () => number) {
  return evictionPolicy(
    name,
    options,
  )({
    capacity,
    ttlUs: 0,
    ...(next ? { oracle: { nextAccess: next } } : {}),
  });
}

function fill(cache: LocalCache, ...keys: string[]): void {
  for (const k of keys) cache.set(k, "v", 1, 0);
}

const held = (cache: LocalCache) => cache.keys().sort();

describe("policies against their references", () => {
  it("fifo ignores reads", () => {
    const c = cacheOf("fifo", 2);
    fill(c, "a", "b");
    c.get("a", 0);
    fill(c, "c");
    expect(held(c)).toEqual(["b", "c"]);
  });

  it("clock gives a read entry a second round", () => {
    const c = cacheOf("clock", 2);
    fill(c, "a", "b");
    c.get("a", 0);
    fill(c, "c"); // a: bit cleared and moved to the head; b goes
    expect(held(c)).toEqual(["a", "c"]);
    fill(c, "d"); // a is now the oldest, with its bit clear
    expect(held(c)).toEqual(["c", "d"]);
  });

  it("lfu evicts the lowest count, the first to reach it on a tie", () => {
    const c = cacheOf("lfu", 3);
    fill(c, "a", "b", "c");
    c.get("a", 0);
    c.get("b", 0);
    fill(c, "d");
    expect(held(c)).toEqual(["a", "b", "d"]);
    const tie = cacheOf("lfu", 2);
    fill(tie, "x", "y");
    tie.get("x", 0);
    tie.get("y", 0);
    fill(tie, "z"); // x and y both count 2; x got there first
    expect(held(tie)).toEqual(["y", "z"]);
  });

  it("sieve moves its hand from the tail towards the head and keeps it there", () => {
    const c = cacheOf("sieve", 3);
    fill(c, "a", "b", "c");
    c.get("a", 0);
    fill(c, "d"); // hand: a (visited, cleared) -> b (evicted); hand rests on c
    expect(held(c)).toEqual(["a", "c", "d"]);
    fill(c, "e"); // c unvisited: evicted
    expect(held(c)).toEqual(["a", "d", "e"]);
  });

  it("s3fifo sends a key evicted from small to the ghost, and a ghost hit straight to main", () => {
    const c = cacheOf("s3fifo", 20); // small 2, main 18, ghost 18
    for (let i = 1; i <= 20; i++) fill(c, `k${i}`); // all in small: no queue makes room by itself
    fill(c, "k21"); // main (0) is within its 18 and small is not empty: small evicts k1 to the ghost
    expect(c.has("k1")).toBe(false);
    fill(c, "k1"); // ghost hit: small evicts k2, k1 enters main
    expect(c.has("k2")).toBe(false);
    expect(c.has("k1")).toBe(true);
    fill(c, "k22"); // small again: its oldest, k3, goes
    expect(c.has("k3")).toBe(false);
    expect(c.evictions).toBe(3);
  });

  it("s3fifo moves a small entry read twice to main instead of evicting it", () => {
    const c = cacheOf("s3fifo", 20);
    for (let i = 1; i <= 20; i++) fill(c, `k${i}`);
    c.get("k1", 0);
    c.get("k1", 0);
    fill(c, "k21"); // k1 (count 2) moves to main; k2 is evicted
    expect(c.has("k1")).toBe(true);
    expect(c.has("k2")).toBe(false);
  });

  it("s3fifo evicts from main when every entry of small moved there", () => {
    const c = cacheOf("s3fifo", 20, { moveToMainThreshold: 1 });
    for (let i = 1; i <= 20; i++) fill(c, `k${i}`);
    for (let i = 1; i <= 20; i++) c.get(`k${i}`, 0); // every entry read once
    fill(c, "k21"); // small's entries all move to main (counts reset); then main evicts its oldest, k1
    expect(c.has("k1")).toBe(false);
    expect(c.has("k21")).toBe(true);
    expect(c.evictions).toBe(1);
  });

  it("twoq keeps a key seen once in A1in, and a key back from A1out in Am", () => {
    const c = cacheOf("twoq", 8); // A1in 2, A1out 4, Am 6
    fill(c, "a", "b", "c", "d", "e", "f", "g", "h"); // all in A1in
    fill(c, "i"); // A1in over its 2: a leaves to A1out
    expect(c.has("a")).toBe(false);
    fill(c, "a"); // A1out hit: b leaves A1in; a enters Am
    expect(c.has("b")).toBe(false);
    expect((c.policy as TwoQPolicy).am.keys()).toEqual(["a"]);
    c.get("c", 0); // a hit in A1in changes nothing: c is still its oldest
    fill(c, "j");
    expect(c.has("c")).toBe(false);
  });

  it("mru evicts the entry used last", () => {
    const c = cacheOf("mru", 3);
    fill(c, "a", "b", "c");
    c.get("a", 0);
    fill(c, "d"); // a was used last
    expect(held(c)).toEqual(["b", "c", "d"]);
    fill(c, "e"); // d was used last
    expect(held(c)).toEqual(["b", "c", "e"]);
  });

  it("gdsf evicts the lowest count per byte, and ages the rest by the victim's priority", () => {
    const c = evictionPolicy("gdsf")({ capacity: 0, capacityBytes: 10, ttlUs: 0 });
    c.set("big", "v", 1, 0, 6); // priority 1e6 / 6
    c.set("small", "v", 1, 0, 2); // 1e6 / 2
    c.set("tiny", "v", 1, 0, 2); // 1e6 / 2
    c.set("new", "v", 1, 0, 2); // big has the lowest priority: it goes, and L becomes 1e6 / 6
    expect(held(c)).toEqual(["new", "small", "tiny"]);
    expect((c.policy as GdsfPolicy).inflation).toBe(1e6 / 6);
    c.get("tiny", 0); // 1e6 / 6 + 2 × 1e6 / 2
    c.set("x", "v", 1, 0, 6); // lowest: small (1e6 / 2), below new (1e6 / 6 + 1e6 / 2)
    expect(held(c)).toEqual(["new", "tiny", "x"]);
    expect((c.policy as GdsfPolicy).inflation).toBe(1e6 / 2);
  });

  it("lfuda starts entries at the age plus one and raises a hit by the age", () => {
    const c = cacheOf("lfuda", 2);
    fill(c, "a", "b"); // both at priority 1 (age 0)
    c.get("a", 0); // + age 0: still 1, now after b in its queue
    fill(c, "c"); // the oldest of priority 1 is b; age becomes 1
    expect(held(c)).toEqual(["a", "c"]);
    expect((c.policy as LfuDaPolicy).age).toBe(1);
    c.get("c", 0); // c: 2 + 1 = 3
    fill(c, "d"); // a (priority 1) goes; d starts at 2
    expect(held(c)).toEqual(["c", "d"]);
  });

  it("qdlp promotes a small entry hit once to main, and evicts main by CLOCK", () => {
    const c = cacheOf("qdlp", 20); // small 2, main 18, ghost 18
    for (let i = 1; i <= 20; i++) fill(c, `k${i}`);
    c.get("k1", 0);
    fill(c, "k21"); // k1 (one hit) moves to main; k2 is evicted to the ghost
    expect(c.has("k1")).toBe(true);
    expect(c.has("k2")).toBe(false);
    fill(c, "k2"); // ghost hit: k3 leaves small; k2 enters main
    expect((c.policy as QdlpPolicy).main.keys()).toEqual(["k2", "k1"]);
  });

  it("lirs keeps a reused entry as LIR and lets a one-time scan pass through Q", () => {
    const c = cacheOf("lirs", 4); // hirs 1, lirs 3
    fill(c, "a", "b", "c"); // warm-up: all LIR
    fill(c, "d"); // resident HIR, in Q
    fill(c, "e"); // evicts Q's d (non-resident in S); e is the resident HIR
    expect(held(c)).toEqual(["a", "b", "c", "e"]);
    const lirs = c.policy as LirsPolicy;
    expect(lirs.stack.get("d")?.node).toBeNull();
    fill(c, "d"); // S remembers d: e leaves Q; d becomes LIR and S's bottom LIR (a) is demoted to Q
    expect(held(c)).toEqual(["a", "b", "c", "d"]);
    expect(lirs.q.keys()).toEqual(["a"]);
    c.get("b", 0);
    fill(c, "x"); // Q's a goes; b, c, d stay LIR
    expect(held(c)).toEqual(["b", "c", "d", "x"]);
  });

  it("random draws its victims from the cache's seeded stream", () => {
    const run = (seed: number) => {
      const c = evictionPolicy("random")({ capacity: 10, ttlUs: 0, rng: new RngStreams(seed).stream("t") });
      for (let i = 0; i < 100; i++) fill(c, `k${i}`);
      return held(c);
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(() => evictionPolicy("random")({ capacity: 10, ttlUs: 0 })).toThrow(/seeded random stream/);
  });

  it("arc learns from a B1 ghost hit", () => {
    const c = cacheOf("arc", 2);
    const arc = c.policy as ArcPolicy;
    fill(c, "a", "b");
    c.get("a", 0); // a to T2
    fill(c, "c"); // REPLACE: |T1| = 1 > p = 0, so b goes to B1
    expect(held(c)).toEqual(["a", "c"]);
    expect(arc.b1.has("b")).toBe(true);
    fill(c, "b"); // B1 hit: p = 1; REPLACE evicts T2's tail a into B2; b enters T2
    expect(arc.p).toBe(1);
    expect(held(c)).toEqual(["b", "c"]);
    expect(arc.b2.has("a")).toBe(true);
    expect(arc.t2.keys()).toEqual(["b"]);
  });

  it("slru inserts into the lowest segment with room and demotes on promotion", () => {
    const c = cacheOf("slru", 4); // 4 segments of 1
    fill(c, "a", "b", "c", "d"); // a in 0, b in 1, c in 2, d in 3
    fill(c, "e"); // no segment has room: a (tail of segment 0) goes; e into 0
    expect(held(c)).toEqual(["b", "c", "d", "e"]);
    c.get("e", 0); // e up to 1, which demotes b to 0
    fill(c, "f"); // evicts the tail of segment 0: b
    expect(held(c)).toEqual(["c", "d", "e", "f"]);
  });

  it("wtinylfu rejects a cold candidate and admits one seen more often than the victim", () => {
    const c = cacheOf("wtinylfu", 100); // window 1, main 99
    for (let i = 0; i < 100; i++) fill(c, `k${i}`); // k99 in the window, k0..k98 in probation
    expect(c.evictions).toBe(0);
    fill(c, "x"); // candidate k99 (count 1) against victim k0 (count 1): k99 is rejected
    expect(c.has("k99")).toBe(false);
    expect(c.rejections).toBe(1);
    for (let i = 0; i < 5; i++) c.get("x", 0);
    fill(c, "y"); // candidate x (count 6) beats k0 (count 1)
    expect(c.has("x")).toBe(true);
    expect(c.has("k0")).toBe(false);
    expect(c.rejections).toBe(1);
    expect(c.evictions).toBe(2);
  });

  it("wtinylfu-libcachesim fills its window until the cache is full, and counts no window hit", () => {
    const c = cacheOf("wtinylfu-libcachesim", 100); // window 1, main 99: probation 19, protected 79
    const policy = c.policy as WTinyLfuLibcachesimPolicy;
    for (let i = 0; i < 100; i++) fill(c, `k${i}`);
    expect(policy.window.length).toBe(100); // the window is not held to its 1 unit before the cache is full
    fill(c, "x");
    // k0..k18 moved into probation, k19..k97 into protected, k98 (no segment with room, the main space
    // not full) into probation; k99 (counted once) then lost to probation's LRU k0 (counted twice).
    expect(c.has("k99")).toBe(false);
    expect(policy.probation.length).toBe(20);
    expect(policy.protected.length).toBe(79);
    expect(policy.window.keys()).toEqual(["x"]);
    for (let i = 0; i < 5; i++) c.get("x", 0); // hits in the window: the filter is not told
    fill(c, "y"); // so x (counted once, at insertion) loses to k0 (twice)
    expect(c.has("x")).toBe(false);
    expect(c.has("k0")).toBe(true);
    c.get("k0", 0); // up to protected, whose LRU k19 falls to probation, now over its 19: k1 leaves
    expect(c.has("k1")).toBe(false);
    expect(policy.probation.keys().at(0)).toBe("k19");
    expect(c.evictions).toBe(3);
  });

  it("wtinylfu-libcachesim refuses a capacity whose 1 % window is empty", () => {
    expect(() => cacheOf("wtinylfu-libcachesim", 99)).toThrow(/window \(0\)/);
    expect(() => cacheOf("wtinylfu-libcachesim", 50, { windowSize: 0.1 })).not.toThrow();
  });

  it("belady evicts the entry needed furthest in the future", () => {
    const stream = ["a", "b", "c", "a", "b"];
    const nextOf = stream.map((k, i) => {
      const j = stream.indexOf(k, i + 1);
      return j < 0 ? Number.POSITIVE_INFINITY : j;
    });
    let at = 0;
    const c = cacheOf("belady", 2, {}, () => nextOf[at] as number);
    let misses = 0;
    for (at = 0; at < stream.length; at++) {
      const key = stream[at] as string;
      if (c.get(key, 0) === undefined) {
        misses++;
        c.set(key, "v", 1, 0);
      }
    }
    expect(misses).toBe(4); // a, b, c (evicting b, needed at 4, not a at 3), then b again
  });

  it("belady refuses to run without next-access information", () => {
    expect(() => cacheOf("belady", 2)).toThrow(/next-access information/);
  });

  it("s3fifo and slru refuse capacities too small to hold anything", () => {
    expect(() => cacheOf("s3fifo", 10)).toThrow(/small queue would hold 1 /);
    expect(() => cacheOf("slru", 3)).toThrow(/hold nothing/);
  });

  it("wtinylfu's jitter needs a seeded stream", () => {
    expect(() => cacheOf("wtinylfu", 100, { jitter: true })).toThrow(/seeded random stream/);
  });
});

describe("frequency sketch", () => {
  it("multiplies 32-bit halves exactly", () => {
    const samples = [0, 1, 0xffffffff, 0x97cb3127, 0x12345678, 0x80000000, 0xdeadbeef];
    for (const a of samples)
      for (const b of samples) {
        const expected = Number((BigInt(a) * BigInt(b)) >> 32n);
        expect(mulHi32(a, b)).toBe(expected);
      }
  });

  it("indexes like Java's 64-bit long arithmetic", () => {
    const seeds = [0xc3a5c85c97cb3127n, 0xb492b66fbe98f273n, 0x9ae16a3b2f90404fn, 0xcbf29ce484222325n];
    const items = [0, 1, -1, 123456789, -987654321, 0x7fffffff, -0x80000000];
    for (const item of items)
      for (let i = 0; i < 4; i++) {
        let hash = BigInt.asIntN(64, (seeds[i] as bigint) * BigInt(item));
        hash = BigInt.asIntN(64, hash + (hash >> 32n));
        const expected = Number(BigInt.asIntN(32, hash)) & 0xffff;
        expect(sketchIndex(item, i, 0xffff)).toBe(expected);
      }
  });

  it("counts to 15 at most and halves every counter after 10 × width additions", () => {
    const sketch = new FrequencySketch(16);
    for (let i = 0; i < 20; i++) sketch.increment("hot");
    expect(sketch.frequency("hot")).toBe(15);
    expect(sketch.frequency("cold")).toBeLessThanOrEqual(15);
    // 160 additions trigger the reset; "hot" saturated early, so fill with other keys.
    for (let i = 0; i < 400; i++) sketch.increment(`k${i}`);
    expect(sketch.frequency("hot")).toBeLessThan(15);
  });
});

describe("libCacheSim's counting Bloom filter", () => {
  it("hashes a 64-bit id with XXH64 as libCacheSim's xxhash.h does", () => {
    // Printed by a C program that includes libCacheSim's dataStructure/hash/xxhash.h and calls
    // XXH64(&id, 8, seed) with HASH_SEED0 (0x12345678) and HASH_SEED1 (0x12344321).
    const vectors: Array<[bigint, bigint, bigint]> = [
      [0n, 0x67bb774d39f5d473n, 0xc2a64453b85a5e79n],
      [1n, 0x071b9484a2374097n, 0x83e9f36fcb5854bfn],
      [42n, 0xf78b4ad534607625n, 0xca6b830118405888n],
      [10_001n, 0x2648c679ae16cc85n, 0xe79c03c7b31f3f0dn],
      [123_456_789n, 0x0f9ff923bc797b26n, 0xaa7de97abad7cda4n],
      [2n ** 64n - 1n, 0x60b38a7d6d1e7ea9n, 0xcead0a48b29d4d47n],
    ];
    const halves = (x: bigint) => [Number(x >> 32n), Number(x & 0xffffffffn)];
    const out = new Uint32Array(2);
    for (const [id, a, b] of vectors) {
      const [hi, lo] = halves(id) as [number, number];
      xxh64OfWord(hi, lo, 0, SEED_A, out);
      expect([...out], `${id}`).toEqual(halves(a));
      xxh64OfWord(hi, lo, 0, SEED_B, out);
      expect([...out], `${id}`).toEqual(halves(b));
      bloomHashes(hi, lo, out);
      expect([...out], `${id}`).toEqual([halves(a)[1], halves(b)[1]]);
    }
  });

  it("reads a decimal key as the id, and numbers any other key by its hash", () => {
    const idOf = (key: string) => {
      const out = new Uint32Array(2);
      objectId(key, out);
      return (BigInt(out[0] as number) << 32n) | BigInt(out[1] as number);
    };
    expect(idOf("10001")).toBe(10_001n);
    expect(idOf("999999999999999")).toBe(999_999_999_999_999n); // the last Number-parsed length
    expect(idOf("1234567890123456789")).toBe(1_234_567_890_123_456_789n);
    expect(idOf("18446744073709551615")).toBe(2n ** 64n - 1n);
    for (const key of ["user:1", "007", "18446744073709551616", ""])
      expect(idOf(key), key).toBeLessThan(2n ** 32n);
  });

  it("is sized as libCacheSim sizes it: 14.38 counters an element, 10 hashes", () => {
    expect(bloomShape(99)).toEqual({ counters: 1424, hashes: 10 });
    expect(bloomShape(0)).toEqual({ counters: 20, hashes: 10 }); // at least twice the hashes
  });

  it("estimates the least counter, raises them all, and halves them on decay", () => {
    const filter = new CountingBloomFilter(99);
    const out = new Uint32Array(2);
    bloomHashes(0, 7, out);
    const a = out[0] as number;
    const b = out[1] as number;
    for (let i = 0; i < 5; i++) filter.add(a, b);
    expect(filter.estimate(a, b)).toBe(5);
    filter.decay();
    expect(filter.estimate(a, b)).toBe(2);
    filter.clear();
    expect(filter.estimate(a, b)).toBe(0);
  });
});

describe("docs/eviction.md", () => {
  const readme = readFileSync("docs/eviction.md", "utf8");
  it("has a row for every policy, naming each option", () => {
    for (const plugin of evictionPolicies.all()) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${plugin.name}\` |`));
      expect(row, plugin.name).toBeDefined();
      const shape = (plugin.options as unknown as { shape: Record<string, unknown> }).shape;
      for (const option of Object.keys(shape))
        expect(row, `${plugin.name}.${option}`).toContain(`\`${option}\``);
    }
  });
});
