// A node cache with LRU eviction, for callers and tests that want LRU by name. LRU is a doubly linked
// list over the cache's entries (eviction/lru.ts): a hit is a few pointer writes, where re-inserting
// into an insertion-ordered Map measured about 40% slower and the lru-cache package slower still (its
// TTL is on the wall clock, and its extra bookkeeping is of no use here).
import { LruPolicy } from "./eviction/lru.ts";
import { LocalCache, type LocalCacheOptions } from "./localCache.ts";

export class LruCache extends LocalCache {
  constructor(options: LocalCacheOptions) {
    super(options, ({ host }) => new LruPolicy(host));
  }

  /** Keys from most to least recently used (for tests). */
  keysByRecency(): string[] {
    return (this.policy as LruPolicy).queue.keys();
  }
}
