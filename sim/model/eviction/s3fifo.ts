// S3-FIFO (libCacheSim `S3FIFO.c`, Yang et al., SOSP '23): a small FIFO (smallRatio of the capacity), a
// main FIFO (the rest) and a ghost FIFO of evicted keys (ghostRatio of the capacity).
// - A new key enters the small queue, or the main queue if it is in the ghost (it is then removed from
//   the ghost). Neither queue makes room itself: the cache evicts before it inserts, so either may hold
//   more than its share for a while.
// - A hit adds one to the entry's count.
// - Eviction takes from the main queue if main is over its size or small is empty, else from small.
//   From small: the oldest entry moves to main if its count reached moveToMainThreshold (count reset),
//   else it is evicted and its key goes to the ghost; if every entry of small moved, main evicts. From
//   main: the oldest entry with a count goes back to main's head with min(count, 3) - 1; the first with
//   count 0 is evicted.
// - An entry the size of the small queue or larger is not cached (libCacheSim refuses it too); by
//   entries that means the small queue must hold at least 2.
// The ghost is consulted when the key is inserted (libCacheSim: when the miss is looked up, just before).
import type { z } from "zod";
import { intIn, numberIn, strict } from "../../plugin/options.ts";
import { GhostQueue } from "./ghostQueue.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

const SMALL = 0;
const MAIN = 1;

export class S3FifoPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly small = new NodeList();
  readonly main = new NodeList();
  readonly ghost = new GhostQueue();
  private readonly smallUnits: number;
  private readonly mainUnits: number;
  private readonly ghostUnits: number;
  private hitOnGhost = false;

  constructor(
    private readonly host: PolicyHost,
    smallRatio: number,
    ghostRatio: number,
    private readonly moveToMainThreshold: number,
  ) {
    const capacity = host.capacityUnits;
    this.smallUnits = Math.floor(capacity * smallRatio);
    this.mainUnits = capacity - this.smallUnits;
    this.ghostUnits = Math.floor(capacity * ghostRatio);
  }

  canInsert(node: CacheNode): boolean {
    return node.units < this.smallUnits || (node.units === this.smallUnits && this.ghost.has(node.key));
  }

  beforeInsert(node: CacheNode): void {
    this.hitOnGhost = this.ghostUnits > 0 && this.ghost.remove(node.key);
  }

  onInsert(node: CacheNode): void {
    node.freq = 0;
    if (this.hitOnGhost) {
      this.hitOnGhost = false;
      this.toMain(node);
    } else {
      node.segment = SMALL;
      this.small.prepend(node);
    }
  }

  onHit(node: CacheNode): void {
    node.freq++;
  }

  onRemove(node: CacheNode): void {
    (node.segment === SMALL ? this.small : this.main).remove(node);
  }

  evict(): void {
    if (this.main.units > this.mainUnits || this.small.units === 0 || !this.evictSmall()) this.evictMain();
  }

  clear(): void {
    this.small.clear();
    this.main.clear();
    this.ghost.clear();
    this.hitOnGhost = false;
  }

  private toMain(node: CacheNode): void {
    node.segment = MAIN;
    this.main.prepend(node);
  }

  /** Evicts from small, moving entries read often enough to main; false when all of them moved. */
  private evictSmall(): boolean {
    while (this.small.units > 0) {
      const oldest = this.small.tail as CacheNode;
      this.small.remove(oldest);
      if (oldest.freq >= this.moveToMainThreshold) {
        oldest.freq = 0;
        this.toMain(oldest);
        continue;
      }
      this.ghost.see(oldest.key, oldest.units, this.ghostUnits);
      this.host.evict(oldest);
      return true;
    }
    return false;
  }

  private evictMain(): void {
    while (this.main.units > 0) {
      const oldest = this.main.tail as CacheNode;
      if (oldest.freq >= 1) {
        oldest.freq = Math.min(oldest.freq, 3) - 1;
        this.main.moveToHead(oldest);
        continue;
      }
      this.main.remove(oldest);
      this.host.evict(oldest);
      return;
    }
  }
}

const options = strict({
  smallRatio: numberIn(0, 1, { minExclusive: true })
    .default(0.1)
    .describe("share of the capacity for the small FIFO (libCacheSim fifo-size-ratio; the paper's 10 %)"),
  ghostRatio: numberIn(0, 10)
    .default(0.9)
    .describe("ghost FIFO size as a share of the capacity (libCacheSim ghost-size-ratio)"),
  moveToMainThreshold: intIn(1, 1000)
    .default(2)
    .describe("hits an entry needs in the small FIFO to move to main (libCacheSim move-to-main-threshold)"),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  const small = Math.floor(capacityUnits * o.smallRatio);
  return small >= 2
    ? null
    : `s3fifo's small queue would hold ${small} (capacity ${capacityUnits} × smallRatio ${o.smallRatio}); it needs at least 2 to admit anything: raise the capacity or smallRatio`;
}

export const s3fifo: EvictionPlugin<z.infer<typeof options>> = {
  name: "s3fifo",
  summary: "S3-FIFO: a small probationary FIFO, a main FIFO with 2-bit reinsertion, and a ghost queue",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new S3FifoPolicy(host, o.smallRatio, o.ghostRatio, o.moveToMainThreshold);
  },
};
