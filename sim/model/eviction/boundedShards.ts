// The global cache's bounded shards: where a store command meets a shard's ShardMemory. The global
// cache calls in here only when some shard is bounded (one call per command that reaches the cache);
// an unbounded run never gets here.
//
// Every decision is taken when the command reaches the cache, from the engine's own accounting, and
// applied to the store: the victims of a write are deleted (DEL) before the write is issued, and a
// write that cannot be made room for is not issued at all. So a live server evicts exactly what the
// in-process store evicts, and its own maxmemory never comes into play. Eviction DELs are not user
// commands: they count under global_evictions, not cache_dels.
//
// What is accounted: values and tombstones (a tombstone takes 0 bytes and one entry). Fill leases are
// not: they hold no value and live briefly; a lease that replaces an expired entry frees it. Entries
// past their virtual TTL stay in the store (the server cannot see virtual time) and keep their bytes
// until they are overwritten, evicted or deleted.

import type { RngStreams } from "../../core/rng.ts";
import type { Scheduler } from "../../core/scheduler.ts";
import type { GlobalCacheSpec } from "../../spec/types.ts";
import { valueBytes } from "../localCache.ts";
import type { Operation } from "../operation.ts";
import type { CacheStore, MaybePromise } from "../ports.ts";
import { TALLY, type Tally } from "../tally.ts";
import { shardMemoryFor } from "./maxmemoryPolicies.ts";
import type { Before, ShardMemory } from "./shardMemory.ts";

/** The scenario's shard bounds, or null when no shard is bounded (then nothing is accounted). */
export function boundedShardsFor(
  spec: GlobalCacheSpec,
  store: CacheStore,
  scheduler: Scheduler,
  tally: Tally,
  rng: RngStreams,
): BoundedShards | null {
  if (!spec.shards.some((s) => s.capacity > 0 || s.capacityBytes > 0)) return null;
  const memories = spec.shards.map((s) =>
    s.capacity > 0 || s.capacityBytes > 0
      ? shardMemoryFor(spec.eviction, spec.evictionOptions, {
          maxmemoryBytes: s.capacityBytes,
          maxEntries: s.capacity,
          rng: rng.stream(`shard:${s.name}:eviction`),
        })
      : null,
  );
  return new BoundedShards(store, scheduler, tally, memories);
}

export class BoundedShards {
  constructor(
    private readonly store: CacheStore,
    private readonly scheduler: Scheduler,
    private readonly tally: Tally,
    /** By shard index; null for a shard without a bound. */
    private readonly memories: ReadonlyArray<ShardMemory | null>,
  ) {}

  /** A lookup (GET) reached the cache: the key's idle time restarts, its LFU counter may rise. */
  touch(op: Operation): void {
    this.memoryOf(op)?.touch(op.key.storeKey, op.arrivedUs);
  }

  /** A lease request reached the cache: over an expired entry the lease takes its place, else a lookup. */
  leaseAsked(op: Operation): void {
    const memory = this.memoryOf(op);
    if (memory === null) return;
    if (memory.expiredAt(op.key.storeKey, op.arrivedUs)) memory.remove(op.key.storeKey);
    else memory.touch(op.key.storeKey, op.arrivedUs);
  }

  /** A DEL reached the cache. */
  deleted(op: Operation): void {
    this.memoryOf(op)?.remove(op.key.storeKey);
  }

  /** The shard's contents are gone (it came back empty). */
  clear(shardIndex: number): void {
    this.memories[shardIndex]?.clear();
  }

  /** SET: issued after its victims' DELs, or not at all when refused (undefined then). */
  set(op: Operation, entry: string, expiresAtUs: number): MaybePromise<void> {
    const memory = this.memoryOf(op);
    const storeKey = op.key.storeKey;
    if (memory === null) return this.store.set(storeKey, entry);
    const room = this.makeRoom(memory, op, valueBytes(op.value), expiresAtUs);
    if (room === REFUSED) return undefined;
    return after(room, this.store.set(storeKey, entry));
  }

  /**
   * A conditional store (compare-and-set by version, a lease fill): room is made as for a SET; if the
   * store then turns it down, the key's accounting is put back when its answer is due. A refused one
   * answers 0 (not stored) without reaching the store.
   */
  conditional(
    op: Operation,
    bytes: number,
    expiresAtUs: number,
    issue: () => MaybePromise<number>,
  ): MaybePromise<number> {
    const memory = this.memoryOf(op);
    if (memory === null) return issue();
    const before = memory.before(op.key.storeKey);
    const room = this.makeRoom(memory, op, bytes, expiresAtUs);
    if (room === REFUSED) return 0;
    const answer = issue();
    // Decided in virtual time (now, in event order), never when a live server's reply happens to land.
    this.scheduler.afterResultNoHandle(answer, 0, undoUnlessStored, { memory, before });
    return after(room, answer);
  }

  private makeRoom(
    memory: ShardMemory,
    op: Operation,
    bytes: number,
    expiresAtUs: number,
  ): MaybePromise<void> | typeof REFUSED {
    const evictedBefore = memory.evictedBytes;
    const victims = memory.admit(
      op.key.storeKey,
      bytes,
      op.arrivedUs,
      expiresAtUs === 0 ? Number.POSITIVE_INFINITY : expiresAtUs,
    );
    const nodeIndex = op.node.index;
    if (victims === "refused") {
      this.tally.bump(nodeIndex, TALLY.cacheSetsRefused);
      return REFUSED;
    }
    if (victims.length === 0) return undefined;
    this.tally.bump(nodeIndex, TALLY.globalEvictions, victims.length);
    this.tally.bump(nodeIndex, TALLY.globalEvictedBytes, memory.evictedBytes - evictedBefore);
    const pending: Array<Promise<void>> = [];
    for (const victim of victims) {
      const done = this.store.del(victim);
      if (done instanceof Promise) pending.push(done);
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(nothing);
  }

  private memoryOf(op: Operation): ShardMemory | null {
    // A key whose shard went down meanwhile has no shard until it is routed again; the command still
    // goes to where it was sent.
    const index = op.key.shardIndex >= 0 ? op.key.shardIndex : op.sentShard;
    return this.memories[index] ?? null;
  }
}

const REFUSED = Symbol("refused");

function nothing(): void {}

function undoUnlessStored(stored: number, undo: { memory: ShardMemory; before: Before }): void {
  if (stored !== 1) undo.memory.undo(undo.before);
}

/** The answer of `then`, once `first` (the eviction DELs) has also gone through. */
function after<T>(first: MaybePromise<void>, then: MaybePromise<T>): MaybePromise<T> {
  if (!(first instanceof Promise)) return then;
  return Promise.all([first, then]).then(second);
}

function second<T>(pair: [unknown, T]): T {
  return pair[1];
}
