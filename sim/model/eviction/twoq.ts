// 2Q (libCacheSim `TwoQ.c`, Johnson & Shasha, VLDB '94, the "full version"): a FIFO A1in for keys seen
// once (inRatio of the capacity), an LRU Am for the rest, and a ghost FIFO A1out of keys that left A1in
// (outRatio of the capacity; keys only, outside the cache's size).
// - A hit in A1in changes nothing (it is a FIFO); a hit in Am moves the entry to Am's head.
// - A new key enters A1in; a key found in A1out (and removed from it) enters Am's head instead, after Am
//   makes room within its own share (capacity - A1in's share) by evicting its LRU entries.
// - Eviction: while A1in holds more than its share, its oldest entry leaves and its key goes to A1out;
//   otherwise Am's LRU entry leaves.
// - An entry larger than A1in's share is not cached.
// The ghost is consulted when the key is inserted (libCacheSim: when the miss is looked up, just before).
import type { z } from "zod";
import { numberIn, strict } from "../../plugin/options.ts";
import { GhostQueue } from "./ghostQueue.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

const A1IN = 0;
const AM = 1;

export class TwoQPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly a1in = new NodeList();
  readonly am = new NodeList();
  readonly a1out = new GhostQueue();
  private readonly inUnits: number;
  private readonly outUnits: number;
  private readonly amUnits: number;
  private hitOnGhost = false;

  constructor(
    private readonly host: PolicyHost,
    inRatio: number,
    outRatio: number,
  ) {
    const capacity = host.capacityUnits;
    this.inUnits = Math.floor(capacity * inRatio);
    this.outUnits = Math.floor(capacity * outRatio);
    this.amUnits = capacity - this.inUnits;
  }

  canInsert(node: CacheNode): boolean {
    return node.units <= this.inUnits;
  }

  beforeInsert(node: CacheNode): void {
    this.hitOnGhost = this.a1out.remove(node.key);
  }

  onInsert(node: CacheNode): void {
    if (!this.hitOnGhost) {
      node.segment = A1IN;
      this.a1in.prepend(node);
      return;
    }
    this.hitOnGhost = false;
    // Am takes the key as a request of its own: it makes room within its share first.
    while (this.am.units > 0 && this.am.units + node.units > this.amUnits) this.evictAm();
    node.segment = AM;
    this.am.prepend(node);
  }

  onHit(node: CacheNode): void {
    if (node.segment === AM) this.am.moveToHead(node);
  }

  onRemove(node: CacheNode): void {
    (node.segment === A1IN ? this.a1in : this.am).remove(node);
  }

  evict(): void {
    if (this.a1in.units > this.inUnits || this.am.length === 0) {
      const oldest = this.a1in.tail as CacheNode;
      this.a1out.see(oldest.key, oldest.units, this.outUnits);
      this.a1in.remove(oldest);
      this.host.evict(oldest);
      return;
    }
    this.evictAm();
  }

  clear(): void {
    this.a1in.clear();
    this.am.clear();
    this.a1out.clear();
    this.hitOnGhost = false;
  }

  private evictAm(): void {
    const victim = this.am.tail as CacheNode;
    this.am.remove(victim);
    this.host.evict(victim);
  }
}

const options = strict({
  inRatio: numberIn(0, 1, { minExclusive: true })
    .default(0.25)
    .describe("share of the capacity for the A1in FIFO (libCacheSim Ain-size-ratio; the paper's Kin)"),
  outRatio: numberIn(0, 10)
    .default(0.5)
    .describe("A1out ghost size as a share of the capacity (libCacheSim Aout-size-ratio; the paper's Kout)"),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  const a1in = Math.floor(capacityUnits * o.inRatio);
  return a1in >= 1
    ? null
    : `twoq's A1in would hold ${a1in} (capacity ${capacityUnits} × inRatio ${o.inRatio}); it needs at least 1: raise the capacity or inRatio`;
}

export const twoq: EvictionPlugin<z.infer<typeof options>> = {
  name: "twoq",
  summary: "2Q: a FIFO for keys seen once, an LRU for keys seen again, and a ghost of the FIFO's evictions",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new TwoQPolicy(host, o.inRatio, o.outRatio);
  },
};
