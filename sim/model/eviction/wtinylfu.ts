// W-TinyLFU (Caffeine simulator `WindowTinyLfuPolicy` with the `TinyLfu` admittor; Einziger, Friedman
// & Manes, TOS '17). A small LRU window (1 - percentMain of the capacity) in front of a segmented-LRU
// main space (probation, and protected = percentMainProtected of main). Every access is counted in a
// 4-bit count-min sketch (`frequencySketch.ts`).
// - A new entry enters the window's head (this policy inserts first, then evicts). When the window is
//   over its size its LRU entry, the candidate, moves to probation's MRU end.
// - When the cache is then over capacity, the candidate and probation's LRU entry (the victim) compete:
//   the candidate is admitted only if its estimated frequency is higher than the victim's; the loser
//   is evicted (a lost candidate also counts as an admission rejection).
// - A hit in the window moves the entry to the window's head; in probation it is promoted to protected
//   (protected's LRU entry is demoted to probation when protected is over its size); in protected it
//   moves to the head.
// `jitter: true` adds the Caffeine library's guard against hash flooding (`BoundedLocalCache.admit`): a
// losing candidate whose frequency is at least 6 is still admitted with probability 1/128, drawn from
// the seeded stream the cache is given. The simulator policy has no such randomness, hence the default.
// With sizes in bytes several entries may have to leave: later victims are probation's, then
// protected's, then the window's LRU entries, without a contest.
import type { z } from "zod";
import type { Rng } from "../../core/rng.ts";
import { boolean, intIn, numberIn, strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { FrequencySketch } from "./frequencySketch.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/** Caffeine's ADMIT_HASHDOS_THRESHOLD. */
const JITTER_MIN_FREQUENCY = 6;

export class WTinyLfuPolicy implements EvictionPolicy {
  readonly insertsFirst = true;
  readonly window = new NodeList();
  readonly probation = new NodeList();
  readonly protected = new NodeList();
  readonly sketch: FrequencySketch;
  private readonly windowUnits: number;
  private readonly protectedUnits: number;
  private candidate: CacheNode | null = null;

  constructor(
    private readonly host: PolicyHost,
    percentMain: number,
    percentMainProtected: number,
    sketchEntries: number,
    private readonly jitter: Rng | null,
  ) {
    const capacity = host.capacityUnits;
    const mainUnits = Math.floor(capacity * percentMain);
    this.protectedUnits = Math.floor(mainUnits * percentMainProtected);
    this.windowUnits = capacity - mainUnits;
    this.sketch = new FrequencySketch(sketchEntries);
  }

  canInsert(): boolean {
    return true;
  }

  beforeInsert(node: CacheNode): void {
    this.sketch.increment(node.key);
  }

  onInsert(node: CacheNode): void {
    node.segment = WINDOW;
    this.window.prepend(node);
    this.candidate = null;
    while (this.window.units > this.windowUnits) {
      const candidate = this.window.tail as CacheNode;
      this.window.remove(candidate);
      candidate.segment = PROBATION;
      this.probation.prepend(candidate);
      this.candidate = candidate;
    }
  }

  onHit(node: CacheNode): void {
    this.sketch.increment(node.key);
    if (node.segment === WINDOW) this.window.moveToHead(node);
    else if (node.segment === PROTECTED) this.protected.moveToHead(node);
    else {
      this.probation.remove(node);
      node.segment = PROTECTED;
      this.protected.prepend(node);
      while (this.protected.units > this.protectedUnits) {
        const demoted = this.protected.tail as CacheNode;
        this.protected.remove(demoted);
        demoted.segment = PROBATION;
        this.probation.prepend(demoted);
      }
    }
  }

  onRemove(node: CacheNode): void {
    if (node === this.candidate) this.candidate = null;
    this.listOf(node).remove(node);
  }

  evict(): void {
    const candidate = this.candidate;
    this.candidate = null;
    const victim = this.probation.tail;
    if (candidate !== null && victim !== null) {
      const loser = this.admit(candidate, victim) ? victim : candidate;
      if (loser === candidate) this.host.rejected();
      this.probation.remove(loser);
      this.host.evict(loser);
      return;
    }
    const from = [this.probation, this.protected, this.window].find((l) => l.length > 0) as NodeList;
    const oldest = from.tail as CacheNode;
    from.remove(oldest);
    this.host.evict(oldest);
  }

  clear(): void {
    this.window.clear();
    this.probation.clear();
    this.protected.clear();
    this.candidate = null;
  }

  private admit(candidate: CacheNode, victim: CacheNode): boolean {
    const candidateFreq = this.sketch.frequency(candidate.key);
    const victimFreq = this.sketch.frequency(victim.key);
    if (candidateFreq > victimFreq) return true;
    if (this.jitter !== null && candidateFreq >= JITTER_MIN_FREQUENCY) return this.jitter.next() < 1 / 128;
    return false;
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
  percentMain: numberIn(0, 1)
    .default(0.99)
    .describe(
      "share of the capacity for the main space; the window has the rest: 1 %, as Caffeine (percent-main) and libCacheSim (window-size 0.01)",
    ),
  percentMainProtected: numberIn(0, 1)
    .default(0.8)
    .describe("share of the main space for the protected segment (Caffeine percent-main-protected)"),
  sketchEntries: intIn(0, 2 ** 26)
    .default(0)
    .describe(
      "counters in the frequency sketch; 0 = the cache's capacity in entries (Caffeine maximum-size)",
    ),
  jitter: boolean
    .default(false)
    .describe("admit a warm losing candidate with probability 1/128, as the Caffeine library does"),
});

/** Entries to size the sketch for by bytes without an entry bound: one per 64 bytes, at most 2^20. */
const SKETCH_BYTES_PER_ENTRY = 64;

export const wtinylfu: Plugin<z.infer<typeof options>, PolicyContext, EvictionPolicy> = {
  name: "wtinylfu",
  summary: "W-TinyLFU: an LRU window, then a frequency-sketch admission contest into a segmented LRU",
  options,
  create: ({ host, rng }, o) => {
    if (o.jitter && rng === undefined) throw new Error("wtinylfu: jitter needs a seeded random stream");
    const entries =
      o.sketchEntries > 0
        ? o.sketchEntries
        : host.capacity > 0
          ? host.capacity
          : Math.min(2 ** 20, Math.ceil(host.capacityBytes / SKETCH_BYTES_PER_ENTRY));
    return new WTinyLfuPolicy(
      host,
      o.percentMain,
      o.percentMainProtected,
      entries,
      o.jitter ? (rng as Rng) : null,
    );
  },
};
