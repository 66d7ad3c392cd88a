// The contract between a node's cache (storage, TTL, statistics: `LocalCache`) and an eviction policy.
// The shape follows libCacheSim: the cache finds entries and keeps the books; the policy is told about
// hits, insertions and removals, and chooses victims. A policy never touches the key map itself: it
// unlinks a victim from its own structures and hands it to `host.evict`, which drops it and counts it.
import type { Rng } from "../../core/rng.ts";
import type { Plugin } from "../../plugin/registry.ts";

/** What a cache lookup returns: the entry as the cache's callers see it. */
export interface CacheEntry {
  value: string | null;
  version: number;
  /** Virtual time at which the entry stops being served; Infinity when it never expires. */
  expiresAtUs: number;
}

/**
 * One cached entry. Every policy uses this one class (so the cache's hot path sees a single object
 * shape); the link and number fields mean what the owning policy says they mean.
 */
export class CacheNode implements CacheEntry {
  /** Towards the head (newer end) of the policy's list. */
  prev: CacheNode | null = null;
  /** Towards the tail (older end) of the policy's list. */
  next: CacheNode | null = null;
  /** Access count or reference bits, as the policy defines them. */
  freq = 0;
  /** Which of the policy's queues or segments holds the node. */
  segment = 0;
  /** A policy-defined number (Belady: next access; its heap position lives in `slot`). */
  rank = 0;
  slot = -1;
  /** A policy-defined order among equal ranks (GDSF: when the entry was last accessed). */
  stamp = 0;
  /** The key's hash in the cache's index (entryIndex.ts), kept so that removal need not hash again. */
  hash = 0;

  constructor(
    public key: string,
    public value: string | null,
    public version: number,
    public expiresAtUs: number,
    /** Size in bytes; -1 until first needed when the caller gave none (then the value's UTF-8 length). */
    public bytes: number,
    /** What the node counts against the capacity: 1 by entries, its bytes by bytes. */
    public units: number,
  ) {}
}

/** What a policy may ask of the cache it serves. */
export interface PolicyHost {
  /** The cache's bound in entries (0 = none) and in bytes (0 = none). */
  readonly capacity: number;
  readonly capacityBytes: number;
  /** The capacity in the policy's units: entries, or bytes when the cache is bounded by bytes. */
  readonly capacityUnits: number;
  /** Units held by cached entries now. */
  readonly usedUnits: number;
  /** Drops a node the policy has already unlinked, to make room; counted as an eviction. */
  evict(node: CacheNode): void;
  /** Counts an entry the policy's admission filter turned away (it has been passed to `evict`). */
  rejected(): void;
}

/**
 * Next-access information for clairvoyant policies (Belady): the virtual time (request index) of the
 * next request for the key of the request being served now, or Infinity when there is none. Only a
 * caller that knows the future (`cachesim mrc` over a trace, via a pre-pass) can supply it.
 */
export interface NextAccessOracle {
  nextAccess(): number;
}

export interface PolicyContext {
  host: PolicyHost;
  /** A seeded stream for policies that draw random numbers; never Math.random. */
  rng?: Rng;
  oracle?: NextAccessOracle;
}

/**
 * An eviction policy as registered: a plugin, plus an optional check of its options against the cache's
 * capacity (in the policy's units), so that a scenario can be refused at load time, with the field's
 * place in the file, rather than fail when the run builds its caches.
 */
export type EvictionPlugin<Options> = Plugin<Options, PolicyContext, EvictionPolicy> & {
  /** A sentence saying why these options cannot work at this capacity, or null when they can. */
  check?(capacityUnits: number, options: Options): string | null;
};

export interface EvictionPolicy {
  /**
   * libCacheSim evicts before it inserts (false); Caffeine's W-TinyLFU inserts the new entry into its
   * window first and then evicts (true), so that the entry can take part in the admission contest.
   */
  readonly insertsFirst: boolean;
  /** Whether an entry of this size may be cached at all (libCacheSim's `can_insert`). */
  canInsert(node: CacheNode): boolean;
  /** A key that is not cached is about to be inserted (ghost lists and frequency filters look here). */
  beforeInsert(node: CacheNode): void;
  onInsert(node: CacheNode): void;
  /** A read found the entry, or a fill replaced it in place: both are accesses. */
  onHit(node: CacheNode): void;
  /** The node leaves by delete or expiry, not by eviction: unlink it. */
  onRemove(node: CacheNode): void;
  /** Evicts exactly one node through `host.evict` (moving others between queues on the way if need be). */
  evict(incoming: CacheNode): void;
  /** Forgets everything, ghosts and frequency history included (a flush). */
  clear(): void;
}
