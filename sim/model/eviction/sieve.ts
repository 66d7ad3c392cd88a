// SIEVE (libCacheSim `Sieve.c`, Zhang et al., NSDI '24): a FIFO queue with one visited bit per entry
// and a hand. A hit sets the bit; new entries enter at the head unvisited. To evict, the hand moves from
// where it stopped last (the tail at first) towards the head, clearing visited bits, wrapping to the tail
// at the head, and evicts the first unvisited entry; the hand then rests on that entry's newer neighbour.

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class SievePolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly queue = new NodeList();
  private hand: CacheNode | null = null;

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.freq = 0;
    this.queue.prepend(node);
  }

  onHit(node: CacheNode): void {
    node.freq = 1;
  }

  onRemove(node: CacheNode): void {
    if (node === this.hand) this.hand = node.prev;
    this.queue.remove(node);
  }

  evict(): void {
    const queue = this.queue;
    let node = (this.hand ?? queue.tail) as CacheNode;
    while (node.freq > 0) {
      node.freq--;
      node = node.prev ?? (queue.tail as CacheNode);
    }
    this.hand = node.prev;
    queue.remove(node);
    this.host.evict(node);
  }

  clear(): void {
    this.queue.clear();
    this.hand = null;
  }
}

export const sieve: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "sieve",
  summary: "SIEVE: a FIFO with a visited bit and a moving hand that keeps read entries in place",
  options: strict({}),
  create: ({ host }) => new SievePolicy(host),
};
