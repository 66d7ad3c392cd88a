// A node's in-memory cache: storage, TTL and statistics, with the choice of victims left to an eviction
// policy (`eviction/policy.ts`, one file per policy, registered in `evictionPolicies.ts`).
//
// The rules every policy shares, stated once here:
// - Capacity is counted in entries, in bytes (the sum of the entries' sizes), or both. A policy sizes
//   its queues in one unit: bytes when the cache is bounded by bytes, else entries; when both bounds
//   are set, the cache also evicts while the entry count is over its bound.
// - TTL counts from when an entry was filled (0 = never expires); reading an entry never extends it.
//   Expiry is checked when the entry is read: an expired entry found by a read is dropped and counted
//   under `expirations`. Expired entries are NOT evicted first: until a read finds them they occupy
//   space like any other entry, and if the policy pushes one out it counts as an eviction. (This is
//   libCacheSim's behaviour with TTL support, and what a lazily expiring cache does.)
// - Filling a key that is cached replaces the entry in place and counts as an access (a hit for the
//   policy); its TTL restarts. If the new value has a different size, the entry is removed and
//   inserted afresh instead, so the books stay exact.
// - An entry larger than the whole cache (or than a policy allows) is not cached, and neither is one
//   the policy's admission filter turns away: both count under `rejections`.
// - `delete` and `clear` are not evictions.
import type { Rng } from "../core/rng.ts";
import { EntryIndex, nameHash } from "./entryIndex.ts";
import {
  type CacheEntry,
  CacheNode,
  type EvictionPolicy,
  type NextAccessOracle,
  type PolicyContext,
  type PolicyHost,
} from "./eviction/policy.ts";

export interface LocalCacheOptions {
  /** Maximum number of entries; 0 = not bounded by entries (then capacityBytes must be set). */
  capacity: number;
  /** Maximum sum of entry sizes in bytes; 0 or absent = not bounded by bytes. */
  capacityBytes?: number;
  ttlUs: number;
  /** A seeded stream, for policies that draw random numbers. */
  rng?: Rng;
  /** Next-access information, for clairvoyant policies (Belady). */
  oracle?: NextAccessOracle;
}

export type LocalCacheFactory = (options: LocalCacheOptions) => LocalCache;
export type PolicyFactory = (context: PolicyContext) => EvictionPolicy;

/** UTF-8 length of a value; an absent value (null) takes no bytes. */
export function valueBytes(value: string | null): number {
  if (value === null) return 0;
  // Counted in JavaScript: for the short values a simulation moves around this is several times
  // faster than crossing into Buffer.byteLength, and it sits on the eviction path.
  let bytes = value.length;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const low = value.charCodeAt(i + 1);
      // A surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes; a lone surrogate encodes as U+FFFD (3).
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

export class LocalCache implements PolicyHost {
  readonly capacity: number;
  readonly capacityBytes: number;
  /** Capacity in the policy's unit (bytes when bounded by bytes, else entries). */
  readonly capacityUnits: number;
  private readonly entriesMax: number;
  private readonly byBytes: boolean;
  private readonly ttlUs: number;
  private readonly entries = new EntryIndex();
  readonly policy: EvictionPolicy;
  usedUnits = 0;
  /** Entries pushed out to make room. */
  evictions = 0;
  /** Bytes of the entries pushed out to make room. */
  evictedBytes = 0;
  /** Entries found past their TTL (and dropped) when read. */
  expirations = 0;
  /** Entries not cached: too large to fit, or turned away by the policy's admission filter. */
  rejections = 0;
  /** Reads that found a live entry, and the bytes they returned (for the byte hit rate). */
  hits = 0;
  hitBytes = 0;
  /** The last evicted node, reused by the next insertion (see `set`). */
  private spare: CacheNode | null = null;
  private lastValue: string | null = null;
  private lastValueBytes = 0;

  constructor(options: LocalCacheOptions, makePolicy: PolicyFactory) {
    const { capacity, capacityBytes = 0, ttlUs } = options;
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new Error(`cache capacity must be an integer >= 0, got ${capacity}`);
    if (!Number.isInteger(capacityBytes) || capacityBytes < 0)
      throw new Error(`cache capacityBytes must be an integer >= 0, got ${capacityBytes}`);
    if (capacity === 0 && capacityBytes === 0)
      throw new Error("a cache needs a capacity in entries, in bytes, or both");
    this.capacity = capacity;
    this.capacityBytes = capacityBytes;
    this.byBytes = capacityBytes > 0;
    this.capacityUnits = this.byBytes ? capacityBytes : capacity;
    this.entriesMax = this.byBytes && capacity > 0 ? capacity : Number.POSITIVE_INFINITY;
    this.ttlUs = ttlUs;
    const context: PolicyContext = { host: this };
    if (options.rng !== undefined) context.rng = options.rng;
    if (options.oracle !== undefined) context.oracle = options.oracle;
    this.policy = makePolicy(context);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held by cached entries. */
  get usedBytes(): number {
    if (this.byBytes) return this.usedUnits;
    let bytes = 0;
    for (const node of this.entries.values()) bytes += this.bytesOf(node);
    return bytes;
  }

  has(key: string): boolean {
    return this.entries.get(key, nameHash(key)) !== undefined;
  }

  /**
   * The live entry for the key, or undefined. The entry object is the cache's own and may be reused
   * once it is evicted: read what you need from it before the next `set` on this cache.
   */
  get(key: string, nowUs: number): CacheEntry | undefined {
    const node = this.entries.get(key, nameHash(key));
    if (node === undefined) return undefined;
    if (nowUs >= node.expiresAtUs) {
      this.policy.onRemove(node);
      this.drop(node);
      this.expirations++;
      return undefined;
    }
    this.policy.onHit(node);
    this.hits++;
    this.hitBytes += node.bytes >= 0 ? node.bytes : this.bytesOf(node);
    return node;
  }

  /**
   * Fills or replaces the entry; its TTL starts now. `sizeBytes` defaults to the value's UTF-8 length.
   * Returns whether the entry is cached afterwards.
   */
  set(key: string, value: string | null, version: number, nowUs: number, sizeBytes = -1): boolean {
    const expiresAtUs = this.ttlUs > 0 ? nowUs + this.ttlUs : Number.POSITIVE_INFINITY;
    const hash = nameHash(key);
    const existing = this.entries.get(key, hash);
    if (existing !== undefined) {
      const bytes = sizeBytes >= 0 ? sizeBytes : this.byBytes ? valueBytes(value) : -1;
      if (!this.byBytes || bytes === existing.bytes) {
        existing.value = value;
        existing.version = version;
        existing.expiresAtUs = expiresAtUs;
        existing.bytes = bytes;
        this.policy.onHit(existing);
        return true;
      }
      // A new size: leave and come back, so every queue's byte count stays exact.
      this.policy.onRemove(existing);
      this.drop(existing);
    }
    const bytes = sizeBytes >= 0 ? sizeBytes : this.byBytes ? valueBytes(value) : -1;
    const units = this.byBytes ? bytes : 1;
    let node = this.spare;
    if (node === null) node = new CacheNode(key, value, version, expiresAtUs, bytes, units);
    else {
      // Reuse the last evicted node: on a full cache every miss evicts one entry and inserts one, and
      // reusing the object keeps that churn off the garbage collector.
      this.spare = null;
      node.key = key;
      node.value = value;
      node.version = version;
      node.expiresAtUs = expiresAtUs;
      node.bytes = bytes;
      node.units = units;
      node.freq = 0;
      node.segment = 0;
      node.rank = 0;
      node.slot = -1;
      node.stamp = 0;
    }
    node.hash = hash;
    const policy = this.policy;
    if (node.units > this.capacityUnits || !policy.canInsert(node)) {
      this.rejections++;
      return false;
    }
    policy.beforeInsert(node);
    if (policy.insertsFirst) {
      this.admit(node);
      while (this.usedUnits > this.capacityUnits || this.entries.size > this.entriesMax) this.evictOne(node);
      return this.entries.get(key, hash) === node;
    }
    while (this.usedUnits + node.units > this.capacityUnits || this.entries.size >= this.entriesMax)
      this.evictOne(node);
    this.admit(node);
    return true;
  }

  /** Removes the entry if present (an invalidation); not counted as an eviction. */
  delete(key: string): boolean {
    const node = this.entries.get(key, nameHash(key));
    if (node === undefined) return false;
    this.policy.onRemove(node);
    this.drop(node);
    return true;
  }

  /** Empties the cache (a flush); not counted as evictions. */
  clear(): void {
    this.entries.clear();
    this.usedUnits = 0;
    this.policy.clear();
  }

  /** Cached keys in no particular order (for tests). */
  keys(): string[] {
    return Array.from(this.entries.values(), (node) => node.key);
  }

  // PolicyHost

  evict(node: CacheNode): void {
    this.drop(node);
    this.evictions++;
    this.evictedBytes += node.bytes >= 0 ? node.bytes : this.bytesOf(node);
    this.spare = node;
  }

  rejected(): void {
    this.rejections++;
  }

  private admit(node: CacheNode): void {
    this.entries.add(node);
    this.usedUnits += node.units;
    this.policy.onInsert(node);
  }

  private evictOne(incoming: CacheNode): void {
    const before = this.entries.size;
    this.policy.evict(incoming);
    // A policy that frees nothing would spin here for ever: fail loudly instead.
    if (this.entries.size >= before) throw new Error("eviction policy freed no entry");
  }

  private drop(node: CacheNode): void {
    this.entries.remove(node);
    this.usedUnits -= node.units;
  }

  private bytesOf(node: CacheNode): number {
    if (node.bytes < 0) {
      // Many entries share one value string (a fill value, a version tag): remember the last one.
      const value = node.value;
      if (value !== this.lastValue) {
        this.lastValue = value;
        this.lastValueBytes = valueBytes(value);
      }
      node.bytes = this.lastValueBytes;
    }
    return node.bytes;
  }
}
