// A node's in-memory cache. Each eviction policy is one implementation of this interface, registered by
// the name the scenario uses (`cache.eviction`). TTL counts from when an entry was filled: reading an
// entry never extends it.

export interface CacheEntry {
  value: string | null;
  version: number;
  /** Virtual time at which the entry stops being served; Infinity when it never expires. */
  expiresAtUs: number;
}

export interface LocalCache {
  readonly capacity: number;
  readonly size: number;
  /** Entries pushed out to make room. */
  readonly evictions: number;
  /** Entries found past their TTL (and dropped) when read. */
  readonly expirations: number;
  get(key: string, nowUs: number): CacheEntry | undefined;
  /** Fills or replaces the entry; its TTL starts now. */
  set(key: string, value: string | null, version: number, nowUs: number): void;
  /** Drops the key's entry, if any (an invalidation); not counted as an eviction. */
  delete(key: string): void;
  /** Empties the cache (a flush); not counted as evictions. */
  clear(): void;
}

export interface LocalCacheOptions {
  capacity: number;
  ttlUs: number;
}

export type LocalCacheFactory = (options: LocalCacheOptions) => LocalCache;
