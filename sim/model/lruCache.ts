// Least-recently-used eviction, on lru-cache (typed-array linked list, no allocation per hit). TTL is
// ours, not lru-cache's: lru-cache's clock is the wall clock, ours is virtual, so each entry carries its
// virtual expiry and an expired entry is dropped when a read finds it.
import { LRUCache } from "lru-cache";
import type { CacheEntry, LocalCache, LocalCacheOptions } from "./localCache.ts";

export class LruCache implements LocalCache {
  readonly capacity: number;
  private readonly ttlUs: number;
  private readonly entries: LRUCache<string, CacheEntry>;
  evictions = 0;
  expirations = 0;

  constructor({ capacity, ttlUs }: LocalCacheOptions) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`LRU capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.ttlUs = ttlUs;
    this.entries = new LRUCache<string, CacheEntry>({
      max: capacity,
      // Only room-making counts as an eviction; replacing a key's entry or clearing the cache does not.
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.evictions++;
      },
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowUs: number): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowUs >= entry.expiresAtUs) {
      this.entries.delete(key);
      this.expirations++;
      return undefined;
    }
    return entry;
  }

  set(key: string, value: string | null, version: number, nowUs: number): void {
    const expiresAtUs = this.ttlUs > 0 ? nowUs + this.ttlUs : Number.POSITIVE_INFINITY;
    this.entries.set(key, { value, version, expiresAtUs });
  }

  clear(): void {
    this.entries.clear();
  }
}
