// QD-LP-FIFO, quick demotion and lazy promotion (libCacheSim `QDLP.c`; Yang et al., "FIFO can be Better
// than LRU: the Power of Lazy Promotion and Quick Demotion", HotOS '23): a small probationary FIFO
// (smallRatio of the capacity), a main CLOCK with `counterBits`-bit counters (the rest) and a ghost FIFO
// of keys evicted from the small FIFO (ghostRatio of the capacity; keys only).
// - A new key enters the small FIFO; a key found in the ghost (and removed from it) enters main instead.
// - A hit in the small FIFO counts; a hit in main raises its CLOCK counter (up to 2^counterBits - 1).
// - Eviction: with the small FIFO empty, main evicts by CLOCK. Otherwise the small FIFO's oldest entry
//   leaves it: with moveToMainThreshold hits or more it enters main (which first makes room within its
//   share by CLOCK, entering with its counter at 0), else it is evicted and its key goes to the ghost.
// - An entry the size of the small FIFO or larger is not cached unless its key is in the ghost.
// The ghost is consulted when the key is inserted (libCacheSim: when the miss is looked up, just before).
import type { z } from "zod";
import { intIn, numberIn, strict } from "../../plugin/options.ts";
import { GhostQueue } from "./ghostQueue.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

const SMALL = 0;
const MAIN = 1;

export class QdlpPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly small = new NodeList();
  readonly main = new NodeList();
  readonly ghost = new GhostQueue();
  private readonly smallUnits: number;
  private readonly mainUnits: number;
  private readonly ghostUnits: number;
  private readonly maxCounter: number;
  private hitOnGhost = false;

  constructor(
    private readonly host: PolicyHost,
    smallRatio: number,
    ghostRatio: number,
    private readonly moveToMainThreshold: number,
    counterBits: number,
  ) {
    const capacity = host.capacityUnits;
    this.smallUnits = Math.floor(capacity * smallRatio);
    this.mainUnits = capacity - this.smallUnits;
    this.ghostUnits = Math.floor(capacity * ghostRatio);
    this.maxCounter = 2 ** counterBits - 1;
  }

  canInsert(node: CacheNode): boolean {
    return node.units < this.smallUnits || (node.units === this.smallUnits && this.ghost.has(node.key));
  }

  beforeInsert(node: CacheNode): void {
    this.hitOnGhost = this.ghostUnits > 0 && this.ghost.remove(node.key);
  }

  onInsert(node: CacheNode): void {
    if (this.hitOnGhost) {
      this.hitOnGhost = false;
      this.toMain(node);
      return;
    }
    node.freq = 0;
    node.segment = SMALL;
    this.small.prepend(node);
  }

  onHit(node: CacheNode): void {
    if (node.segment === SMALL) node.freq++;
    else if (node.freq < this.maxCounter) node.freq++;
  }

  onRemove(node: CacheNode): void {
    (node.segment === SMALL ? this.small : this.main).remove(node);
  }

  evict(): void {
    // Moving an entry to main frees nothing unless main has to make room: go on until something left.
    for (;;) {
      if (this.small.length === 0) {
        this.clockEvict();
        return;
      }
      const oldest = this.small.tail as CacheNode;
      this.small.remove(oldest);
      if (oldest.freq < this.moveToMainThreshold) {
        this.ghost.see(oldest.key, oldest.units, this.ghostUnits);
        this.host.evict(oldest);
        return;
      }
      if (this.toMain(oldest)) return;
    }
  }

  clear(): void {
    this.small.clear();
    this.main.clear();
    this.ghost.clear();
    this.hitOnGhost = false;
  }

  /**
   * Main takes the entry as a request of its own: CLOCK makes room within main's share first. Says
   * whether that evicted anything.
   */
  private toMain(node: CacheNode): boolean {
    let evicted = false;
    while (this.main.length > 0 && this.main.units + node.units > this.mainUnits) {
      this.clockEvict();
      evicted = true;
    }
    node.freq = 0;
    node.segment = MAIN;
    this.main.prepend(node);
    return evicted;
  }

  private clockEvict(): void {
    let victim = this.main.tail as CacheNode;
    while (victim.freq >= 1) {
      victim.freq--;
      this.main.moveToHead(victim);
      victim = this.main.tail as CacheNode;
    }
    this.main.remove(victim);
    this.host.evict(victim);
  }
}

const options = strict({
  smallRatio: numberIn(0, 1, { minExclusive: true })
    .default(0.1)
    .describe("share of the capacity for the small FIFO (libCacheSim fifo-size-ratio)"),
  ghostRatio: numberIn(0, 10)
    .default(0.9)
    .describe("ghost FIFO size as a share of the capacity (libCacheSim ghost-size-ratio)"),
  moveToMainThreshold: intIn(1, 1000)
    .default(1)
    .describe("hits an entry needs in the small FIFO to move to main (libCacheSim move-to-main-threshold)"),
  counterBits: intIn(1, 8)
    .default(2)
    .describe("bits of each main entry's CLOCK counter (libCacheSim main-cache=Clock2)"),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  const small = Math.floor(capacityUnits * o.smallRatio);
  return small >= 2
    ? null
    : `qdlp's small FIFO would hold ${small} (capacity ${capacityUnits} × smallRatio ${o.smallRatio}); it needs at least 2 to admit anything: raise the capacity or smallRatio`;
}

export const qdlp: EvictionPlugin<z.infer<typeof options>> = {
  name: "qdlp",
  summary:
    "QD-LP-FIFO: a small probationary FIFO, a ghost, and a main CLOCK (quick demotion, lazy promotion)",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new QdlpPolicy(host, o.smallRatio, o.ghostRatio, o.moveToMainThreshold, o.counterBits);
  },
};
