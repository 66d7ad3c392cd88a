// W-TinyLFU as libCacheSim defines it (`WTinyLFU.c` with its defaults: main-cache=SLRU,
// window-size=0.01), step for step, so that its miss counts are libCacheSim's. It is not Caffeine's
// W-TinyLFU (`wtinylfu.ts`) with another sketch: the window, the contest and the counting differ too.
// - The window is an LRU of trunc(capacity × windowSize) units; the main space has the rest, and is a
//   two-segment SLRU (`SLRU.c` with seg-size=1:4: a probationary segment of trunc(main / 5) units and a
//   protected one of trunc(main × 4 / 5)). An entry larger than the window or than the probationary
//   segment is never cached.
// - The window is not kept to its size: a new entry always enters the window's head, and entries leave
//   the window only when the whole cache is full. Then, until one entry has left the cache, the
//   window's LRU entry (the candidate) moves into the main space if it fits there; if not, it contests
//   the main space's victim (the LRU entry of its lowest non-empty segment): when the candidate's
//   estimate is strictly higher, the victim is evicted and the candidate moves into the main space,
//   and the next candidate comes up; otherwise the candidate is evicted. With an empty window the
//   main space's victim is evicted.
// - Moving into the main space is an SLRU insertion: into the first segment with room, else (after
//   evicting from the main space until it fits) into the probationary one, even past its share.
// - A hit in the window moves the entry to the window's head; in the main space it is an SLRU hit (to
//   the protected head; an over-full protected segment demotes its LRU entry to probation, and an
//   over-full probation evicts its own).
// - The sketch (`countingBloomFilter.ts`, for main-space-capacity elements) counts an insertion, a hit
//   in the main space (not in the window), and every candidate that came up, whatever became of it. After
//   every 32 × main-capacity hits in the main space it halves every counter.
// The object id hashed is the key read as an unsigned 64-bit decimal number, as libCacheSim reads a
// trace's ids; a key that is not one is numbered by our own key hash, where libCacheSim's CSV reader
// would use MurmurHash3 (the same sketch, other counters).
import type { z } from "zod";
import { intIn, numberIn, strict } from "../../plugin/options.ts";
import { hash32 } from "../hashRing.ts";
import { BLOOM_COUNTERS_MAX, bloomHashes, bloomShape, CountingBloomFilter } from "./countingBloomFilter.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/** libCacheSim's decay period in main-space hits per unit of main capacity ("sample size is 32"). */
const DECAY_HITS_PER_UNIT = 32;
/** The segments' shares of the main space, as libCacheSim's seg-size=1:4 computes them (1.0 / 5 × size). */
const PROBATION_SHARE = 1 / 5;
const PROTECTED_SHARE = 4 / 5;
const DECIMAL_ID = /^(0|[1-9][0-9]{0,19})$/;
const ID_MAX = (1n << 64n) - 1n;

/** Decimal ids of up to 15 digits are below 2^53: a Number holds them exactly. */
const EXACT_DIGITS = 15;

/**
 * Writes the 64-bit object id libCacheSim would hash for this key (see the file comment) into `out` as
 * [high, low] unsigned 32-bit halves.
 */
export function objectId(key: string, out: Uint32Array): void {
  if (DECIMAL_ID.test(key)) {
    if (key.length <= EXACT_DIGITS) {
      const id = Number(key);
      out[0] = Math.floor(id / 2 ** 32);
      out[1] = id >>> 0;
      return;
    }
    const id = BigInt(key);
    if (id <= ID_MAX) {
      out[0] = Number(id >> 32n);
      out[1] = Number(id & 0xffffffffn);
      return;
    }
  }
  out[0] = 0;
  out[1] = hash32(key) >>> 0;
}

interface Shape {
  windowUnits: number;
  mainUnits: number;
  probationUnits: number;
  protectedUnits: number;
  sketchEntries: number;
}

function shapeOf(capacityUnits: number, o: z.infer<typeof options>): Shape {
  // C: `cache_size *= window_size` on an int64, then the main space is the rest.
  const windowUnits = Math.trunc(capacityUnits * o.windowSize);
  const mainUnits = capacityUnits - windowUnits;
  return {
    windowUnits,
    mainUnits,
    probationUnits: Math.trunc(PROBATION_SHARE * mainUnits),
    protectedUnits: Math.trunc(PROTECTED_SHARE * mainUnits),
    sketchEntries: o.sketchEntries > 0 ? o.sketchEntries : mainUnits,
  };
}

export class WTinyLfuLibcachesimPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly window = new NodeList();
  readonly probation = new NodeList();
  readonly protected = new NodeList();
  readonly sketch: CountingBloomFilter;
  private readonly decayHits: number;
  private mainHits = 0;
  /** Scratch for an id and its hashes, so that an insertion allocates nothing. */
  private readonly scratch = new Uint32Array(2);

  constructor(
    private readonly host: PolicyHost,
    private readonly shape: Shape,
  ) {
    this.sketch = new CountingBloomFilter(shape.sketchEntries);
    this.decayHits = DECAY_HITS_PER_UNIT * shape.mainUnits;
  }

  canInsert(node: CacheNode): boolean {
    const s = this.shape;
    return node.units <= s.windowUnits && node.units <= s.mainUnits && node.units <= s.probationUnits;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    // The entry's two filter hashes, computed once: `rank` and `stamp` are this policy's to use.
    const scratch = this.scratch;
    objectId(node.key, scratch);
    bloomHashes(scratch[0] as number, scratch[1] as number, scratch);
    const a = scratch[0] as number;
    const b = scratch[1] as number;
    node.rank = a;
    node.stamp = b;
    node.segment = WINDOW;
    this.window.prepend(node);
    this.sketch.add(a, b);
  }

  onHit(node: CacheNode): void {
    if (node.segment === WINDOW) {
      this.window.moveToHead(node);
      return;
    }
    // The filter hashes come from the request's key, so take them before the SLRU may evict the node.
    const a = node.rank;
    const b = node.stamp;
    if (node.segment === PROTECTED) this.protected.moveToHead(node);
    else {
      this.probation.remove(node);
      node.segment = PROTECTED;
      this.protected.prepend(node);
      while (this.protected.units > this.shape.protectedUnits) {
        const demoted = this.protected.tail as CacheNode;
        this.protected.remove(demoted);
        demoted.segment = PROBATION;
        this.probation.prepend(demoted);
        while (this.probation.units > this.shape.probationUnits) this.evictMain();
      }
    }
    this.sketch.add(a, b);
    if (++this.mainHits >= this.decayHits) {
      this.mainHits = 0;
      this.sketch.decay();
    }
  }

  onRemove(node: CacheNode): void {
    this.listOf(node).remove(node);
  }

  evict(): void {
    for (;;) {
      const candidate = this.window.tail;
      if (this.window.units === 0 || candidate === null) {
        if (this.mainVictim() !== null) this.evictMain();
        else this.evictFromWindow(); // only entries of size 0 are left, all in the window
        return;
      }
      if (this.mainUnitsUsed() + candidate.units <= this.shape.mainUnits) {
        this.window.remove(candidate);
        this.insertMain(candidate);
      } else {
        const victim = this.mainVictim() as CacheNode;
        const a = candidate.rank;
        const b = candidate.stamp;
        if (this.sketch.estimate(a, b) <= this.sketch.estimate(victim.rank, victim.stamp)) {
          this.evictFromWindow(); // the candidate
          this.sketch.add(a, b);
          return;
        }
        this.evictMain();
        this.window.remove(candidate);
        this.insertMain(candidate);
      }
      this.sketch.add(candidate.rank, candidate.stamp);
    }
  }

  clear(): void {
    this.window.clear();
    this.probation.clear();
    this.protected.clear();
    this.sketch.clear();
    this.mainHits = 0;
  }

  private mainUnitsUsed(): number {
    return this.probation.units + this.protected.units;
  }

  /** SLRU's victim: the LRU entry of the lowest segment holding any units. */
  private mainVictim(): CacheNode | null {
    if (this.probation.units > 0) return this.probation.tail;
    if (this.protected.units > 0) return this.protected.tail;
    return null;
  }

  private evictMain(): void {
    const victim = this.mainVictim() as CacheNode;
    this.listOf(victim).remove(victim);
    this.host.evict(victim);
  }

  private evictFromWindow(): void {
    const oldest = this.window.tail as CacheNode;
    this.window.remove(oldest);
    this.host.evict(oldest);
  }

  private insertMain(node: CacheNode): void {
    const s = this.shape;
    if (this.probation.units + node.units <= s.probationUnits) {
      node.segment = PROBATION;
      this.probation.prepend(node);
    } else if (this.protected.units + node.units <= s.protectedUnits) {
      node.segment = PROTECTED;
      this.protected.prepend(node);
    } else {
      while (this.mainUnitsUsed() + node.units > s.mainUnits) this.evictMain();
      node.segment = PROBATION;
      this.probation.prepend(node);
    }
  }

  private listOf(node: CacheNode): NodeList {
    return node.segment === WINDOW
      ? this.window
      : node.segment === PROBATION
        ? this.probation
        : this.protected;
  }
}

const options = strict({
  windowSize: numberIn(0, 1)
    .default(0.01)
    .describe("share of the capacity for the LRU window, truncated to whole units (libCacheSim window-size)"),
  sketchEntries: intIn(0, 2 ** 21)
    .default(0)
    .describe(
      "elements the counting Bloom filter is sized for; 0 = the main space's capacity in units, as libCacheSim",
    ),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  const s = shapeOf(capacityUnits, o);
  if (s.windowUnits < 1 || s.probationUnits < 1)
    return `wtinylfu-libcachesim's window (${s.windowUnits}) and probationary segment (${s.probationUnits}) of a capacity of ${capacityUnits} must hold 1 unit each, or nothing is ever cached: raise the capacity or windowSize`;
  const counters = bloomShape(s.sketchEntries).counters;
  if (counters > BLOOM_COUNTERS_MAX)
    return `wtinylfu-libcachesim's filter for ${s.sketchEntries} elements would need ${counters} counters, over ${BLOOM_COUNTERS_MAX}: set sketchEntries (about the entries the main space holds)`;
  return null;
}

export const wtinylfuLibcachesim: EvictionPlugin<z.infer<typeof options>> = {
  name: "wtinylfu-libcachesim",
  summary: "libCacheSim's W-TinyLFU: an LRU window, a counting-Bloom-filter contest into a two-segment SLRU",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new WTinyLfuLibcachesimPolicy(host, shapeOf(host.capacityUnits, o));
  },
};
