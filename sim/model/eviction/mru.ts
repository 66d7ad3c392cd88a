// MRU (libCacheSim `MRU.c`): a hit moves the entry to the head; new entries enter at the head; the victim
// is the head, the most recently used. Good for loops larger than the cache, where LRU misses every time.
import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { LruPolicy } from "./lru.ts";
import type { CacheNode, EvictionPolicy, PolicyContext } from "./policy.ts";

/** LRU's list, with the victim taken from the other end. */
export class MruPolicy extends LruPolicy {
  override evict(): void {
    const victim = this.queue.head as CacheNode;
    this.queue.remove(victim);
    this.host.evict(victim);
  }
}

export const mru: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "mru",
  summary: "most recently used: evicts the entry read or filled last (for loops larger than the cache)",
  options: strict({}),
  create: ({ host }) => new MruPolicy(host),
};
