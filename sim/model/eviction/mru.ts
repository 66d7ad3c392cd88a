// MRU (libCacheSim `MRU.c`): a hit moves the entry to the head; new entries enter at the head; the victim
// is the head, the most recently used. Good for loops larger than the cache, where LRU misses every time.
import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class MruPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly queue = new NodeList();

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    this.queue.prepend(node);
  }

  onHit(node: CacheNode): void {
    this.queue.moveToHead(node);
  }

  onRemove(node: CacheNode): void {
    this.queue.remove(node);
  }

  evict(): void {
    const victim = this.queue.head as CacheNode;
    this.queue.remove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    this.queue.clear();
  }
}

export const mru: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "mru",
  summary: "most recently used: evicts the entry read or filled last (for loops larger than the cache)",
  options: strict({}),
  create: ({ host }) => new MruPolicy(host),
};
