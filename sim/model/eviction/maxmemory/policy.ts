// The contract between a bounded global-cache shard (its accounting: `../shardMemory.ts`) and a maxmemory
// policy, one file each in this folder, registered in `../maxmemoryPolicies.ts`. The shard keeps the
// books (which keys it holds, their bytes and expiry, the counters); the policy keeps what it scores by
// (idle time, an access counter) and, when room is needed, names one victim at a time.

import type { Rng } from "../../../core/rng.ts";
import type { Plugin } from "../../../plugin/registry.ts";

/** One key a shard holds. The shard owns the first four fields; the policy the rest. */
export interface StoredKey {
  readonly key: string;
  readonly bytes: number;
  /** Virtual time the key expires at; Infinity without a TTL. */
  readonly expiresAtUs: number;
  /** Whether the key has a TTL (volatile-ttl's candidates). */
  readonly volatile: boolean;
  /** When the key was last written or read (LRU's idle time). */
  lastAccessUs: number;
  /** Redis's 8-bit logarithmic access counter and the minute of its last decrement (LFU). */
  lfuCounter: number;
  lfuMinute: number;
}

/** What a policy may look at: every key, the keys with a TTL, and a look-up by name. */
export interface ShardKeys {
  readonly all: readonly StoredKey[];
  readonly volatile: readonly StoredKey[];
  get(key: string): StoredKey | undefined;
}

export interface MaxmemoryPolicy {
  /** A key was written for the first time. */
  onInsert(entry: StoredKey, nowUs: number): void;
  /** A key was read, or written again. */
  onAccess(entry: StoredKey, nowUs: number): void;
  /**
   * The next key to evict, neither in `chosen` nor `keep` (the key being written), or null when the
   * policy cannot free more (then the write is refused). Called once per key evicted, as Redis's
   * performEvictions loop evicts one key a round.
   */
  victim(chosen: ReadonlySet<StoredKey>, keep: StoredKey | undefined, nowUs: number): StoredKey | null;
  /** The shard was emptied. */
  clear(): void;
}

export interface MaxmemoryContext {
  shard: ShardKeys;
  /** The shard's own seeded stream (`shard:<name>:eviction`). */
  rng: Rng;
}

export type MaxmemoryPlugin<Options = Record<string, number>> = Plugin<
  Options,
  MaxmemoryContext,
  MaxmemoryPolicy
>;

/** Records the access time only: what every policy but LFU needs. */
export function touchTime(entry: StoredKey, nowUs: number): void {
  entry.lastAccessUs = nowUs;
}
