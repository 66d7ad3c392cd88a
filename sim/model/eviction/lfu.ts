// LFU (libCacheSim `LFU.c`): each entry counts its accesses, starting at 1 when it is inserted (counts
// are forgotten on eviction). The victim has the lowest count. Tie-break: among entries with the lowest
// count, the one that reached that count earliest goes first (a FIFO per count, as in LFU.c).

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class LfuPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  /** One list per count: head = reached the count last, tail = reached it first. */
  private readonly byCount = new Map<number, NodeList>();
  private minCount = 1;
  private maxCount = 1;

  constructor(private readonly host: PolicyHost) {
    this.byCount.set(1, new NodeList());
  }

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    this.minCount = 1;
    node.freq = 1;
    (this.byCount.get(1) as NodeList).prepend(node);
  }

  onHit(node: CacheNode): void {
    const from = this.byCount.get(node.freq) as NodeList;
    from.remove(node);
    node.freq++;
    if (node.freq > this.maxCount) this.maxCount = node.freq;
    let to = this.byCount.get(node.freq);
    if (to === undefined) {
      to = new NodeList();
      this.byCount.set(node.freq, to);
    }
    to.prepend(node);
    if (this.minCount === node.freq - 1 && from.length === 0) this.raiseMinCount();
  }

  onRemove(node: CacheNode): void {
    const list = this.byCount.get(node.freq) as NodeList;
    list.remove(node);
    if (node.freq === this.minCount && list.length === 0) this.raiseMinCount();
  }

  evict(): void {
    const list = this.byCount.get(this.minCount) as NodeList;
    const victim = list.tail as CacheNode;
    list.remove(victim);
    if (list.length === 0) this.raiseMinCount();
    this.host.evict(victim);
  }

  clear(): void {
    this.byCount.clear();
    this.byCount.set(1, new NodeList());
    this.minCount = 1;
    this.maxCount = 1;
  }

  /** The next count above the minimum that has entries (unchanged when none has: the cache is empty). */
  private raiseMinCount(): void {
    for (let count = this.minCount + 1; count <= this.maxCount; count++) {
      const list = this.byCount.get(count);
      if (list !== undefined && list.length > 0) {
        this.minCount = count;
        return;
      }
    }
  }
}

export const lfu: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "lfu",
  summary: "least frequently used; ties go to the entry that reached the lowest count first",
  options: strict({}),
  create: ({ host }) => new LfuPolicy(host),
};
