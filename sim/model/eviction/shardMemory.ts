// A global-cache shard bounded like Redis `maxmemory` (in bytes, the sum of the values' sizes), by a
// number of entries, or both: the engine keeps each shard's entry and byte accounting and
// decides every eviction itself, then applies it to the store (a DEL), so in-process and live runs stay
// byte-identical and a live server's own maxmemory is never involved.
//
// Policies, after Redis's documented behaviour (redis.io "Key eviction"; evict.c):
// - `noeviction`: a write that does not fit is refused (Redis answers OOM) and counted.
// - `allkeys-lru`, `allkeys-lfu`, `volatile-ttl`: Redis's approximation, not an exact order. Each round
//   samples `samples` keys (maxmemory-samples, default 5) into Redis's eviction pool of 16 candidates
//   kept in order of score, and evicts the best candidate still present: LRU scores idle time, LFU
//   scores 255 minus the decayed logarithmic counter, volatile-ttl the nearest expiry (only keys with
//   a TTL are candidates; with none, the write is refused like noeviction).
// - `allkeys-random`: a key drawn uniformly.
// Where we differ from Redis, and why: keys are sampled uniformly from a seeded stream (Redis takes a
// run of hash-table buckets from a random start); idle time is exact virtual microseconds (Redis keeps a
// 1-second LRU clock); and eviction makes room before a write so that the write fits, so a shard never
// holds more than maxmemory (Redis evicts until it is under maxmemory and then runs the write, which may
// overshoot by one write). LFU follows Redis exactly: a counter from 0 to 255 that starts at 5, rises on
// an access with probability 1 / ((counter - 5) × lfuLogFactor + 1) (the coin from the seeded stream),
// and falls by one per lfuDecayTime minutes without access.
import type { Rng } from "../../core/rng.ts";

export const MAXMEMORY_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "volatile-ttl",
  "allkeys-random",
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
const LFU_INIT_VAL = 5;
const US_PER_MINUTE = 60_000_000;

export interface ShardMemoryOptions {
  /** The byte bound (Redis maxmemory); 0 = not bounded by bytes. */
  maxmemoryBytes: number;
  /** The entry bound; 0 or absent = not bounded by entries. */
  maxEntries?: number;
  policy: MaxmemoryPolicy;
  /** The shard's own stream (e.g. `shard:<name>:evictions`). */
  rng: Rng;
  /** Redis maxmemory-samples. */
  samples?: number;
  /** Redis lfu-log-factor. */
  lfuLogFactor?: number;
  /** Redis lfu-decay-time, in minutes. */
  lfuDecayTimeMin?: number;
}

interface Stored {
  key: string;
  bytes: number;
  /** Position in `keys` and in `volatile` (-1: no TTL), for uniform sampling and O(1) removal. */
  at: number;
  volatileAt: number;
  lastAccessUs: number;
  expiresAtUs: number;
  lfuCounter: number;
  /** Minutes since time 0 at the last LFU decrement (Redis keeps it in the object's lru field). */
  lfuMinute: number;
  /** The write that last set it (see `undo`). */
  generation: number;
}

/** What a key held before a write, so that a conditional write the store turned down can be undone. */
export interface Before {
  key: string;
  /** -1: the key was not held. */
  bytes: number;
  expiresAtUs: number;
  /** The write's generation: the undo applies only if no later write touched the key. */
  generation: number;
}

interface PoolSlot {
  key: string;
  score: number;
}

export class ShardMemory {
  /** Infinity when not bounded by bytes. */
  readonly maxmemoryBytes: number;
  /** Infinity when not bounded by entries. */
  readonly maxEntries: number;
  readonly policy: MaxmemoryPolicy;
  private readonly rng: Rng;
  private readonly samples: number;
  private readonly lfuLogFactor: number;
  private readonly lfuDecayTimeMin: number;
  private readonly stored = new Map<string, Stored>();
  private readonly keys: Stored[] = [];
  /** Keys with a TTL: volatile-ttl's candidates. */
  private readonly volatile: Stored[] = [];
  private readonly pool: PoolSlot[] = [];
  usedBytes = 0;
  evictions = 0;
  evictedBytes = 0;
  /** Writes refused for want of memory (Redis: OOM command not allowed). */
  refusals = 0;
  /** Bumped by every write, so an undo knows whether the key changed since. */
  private generation = 0;

  constructor(options: ShardMemoryOptions) {
    const maxEntries = options.maxEntries ?? 0;
    if (!Number.isInteger(options.maxmemoryBytes) || options.maxmemoryBytes < 0)
      throw new Error(`maxmemory must be a whole number of bytes >= 0, got ${options.maxmemoryBytes}`);
    if (!Number.isInteger(maxEntries) || maxEntries < 0)
      throw new Error(`a shard's entry bound must be a whole number >= 0, got ${maxEntries}`);
    if (options.maxmemoryBytes === 0 && maxEntries === 0)
      throw new Error("a bounded shard needs a bound in bytes, in entries, or both");
    this.maxmemoryBytes = options.maxmemoryBytes > 0 ? options.maxmemoryBytes : Number.POSITIVE_INFINITY;
    this.maxEntries = maxEntries > 0 ? maxEntries : Number.POSITIVE_INFINITY;
    this.policy = options.policy;
    this.rng = options.rng;
    this.samples = options.samples ?? 5;
    this.lfuLogFactor = options.lfuLogFactor ?? 10;
    this.lfuDecayTimeMin = options.lfuDecayTimeMin ?? 1;
    if (!Number.isInteger(this.samples) || this.samples < 1 || this.samples > 64)
      throw new Error(`maxmemory samples must be from 1 to 64, got ${this.samples}`);
  }

  get size(): number {
    return this.stored.size;
  }

  has(key: string): boolean {
    return this.stored.has(key);
  }

  /**
   * A write of `bytes` for `key` at nowUs (expiresAtUs: Infinity for no TTL). Returns the keys to delete
   * from the store first (possibly none), or "refused" when room cannot be made: then nothing changed
   * and the write must not happen.
   */
  admit(
    key: string,
    bytes: number,
    nowUs: number,
    expiresAtUs = Number.POSITIVE_INFINITY,
  ): string[] | "refused" {
    if (!Number.isInteger(bytes) || bytes < 0)
      throw new Error(`entry size must be whole bytes >= 0, got ${bytes}`);
    const existing = this.stored.get(key);
    const freed = existing?.bytes ?? 0;
    if (bytes > this.maxmemoryBytes) {
      this.refusals++;
      return "refused";
    }
    const victims: Stored[] = [];
    // Plan first, so that a refusal changes nothing.
    const bytesOver = this.usedBytes - freed + bytes - this.maxmemoryBytes;
    const entriesOver = this.stored.size + (existing === undefined ? 1 : 0) - this.maxEntries;
    if (bytesOver > 0 || entriesOver > 0) {
      const plan = this.planEvictions(bytesOver, entriesOver, existing, nowUs);
      if (plan === null) {
        this.refusals++;
        return "refused";
      }
      victims.push(...plan);
    }
    for (const v of victims) {
      this.drop(v);
      this.evictions++;
      this.evictedBytes += v.bytes;
    }
    this.generation++;
    if (existing !== undefined) {
      existing.generation = this.generation;
      this.usedBytes += bytes - existing.bytes;
      existing.bytes = bytes;
      this.setExpiry(existing, expiresAtUs);
      this.access(existing, nowUs);
    } else {
      const entry: Stored = {
        key,
        bytes,
        at: this.keys.length,
        volatileAt: -1,
        lastAccessUs: nowUs,
        expiresAtUs: Number.POSITIVE_INFINITY,
        lfuCounter: LFU_INIT_VAL,
        lfuMinute: Math.floor(nowUs / US_PER_MINUTE),
        generation: this.generation,
      };
      this.stored.set(key, entry);
      this.keys.push(entry);
      this.usedBytes += bytes;
      this.setExpiry(entry, expiresAtUs);
    }
    return victims.map((v) => v.key);
  }

  /** A read found the key: its LRU idle time restarts and its LFU counter may rise. */
  touch(key: string, nowUs: number): void {
    const entry = this.stored.get(key);
    if (entry !== undefined) this.access(entry, nowUs);
  }

  /** The key left the store (a DEL, or a lease took the place of its expired entry); not an eviction. */
  remove(key: string): boolean {
    const entry = this.stored.get(key);
    if (entry === undefined) return false;
    this.drop(entry);
    return true;
  }

  /** Whether the key is held with an expiry at or before nowUs. */
  expiredAt(key: string, nowUs: number): boolean {
    const entry = this.stored.get(key);
    return entry !== undefined && entry.expiresAtUs <= nowUs;
  }

  /** What the key holds now, to undo a conditional write that `admit` is about to account for. */
  before(key: string): Before {
    const entry = this.stored.get(key);
    return {
      key,
      bytes: entry === undefined ? -1 : entry.bytes,
      expiresAtUs: entry === undefined ? 0 : entry.expiresAtUs,
      generation: this.generation + 1,
    };
  }

  /**
   * The store turned down a conditional write that `admit` accounted for (the version was older, the
   * lease was gone): the key is put back as it was, unless a later write or DEL has changed it since.
   * Evictions made for it stay made (Redis too evicts before it runs a command that may not apply).
   */
  undo(before: Before): void {
    const entry = this.stored.get(before.key);
    if (entry === undefined || entry.generation !== before.generation) return;
    if (before.bytes < 0) {
      this.drop(entry);
      return;
    }
    // What the store holds again; if the old value was the larger one, the shard may stand over its
    // bound until the next write makes room (as a Redis shard can).
    this.usedBytes += before.bytes - entry.bytes;
    entry.bytes = before.bytes;
    this.setExpiry(entry, before.expiresAtUs);
  }

  /** Forgets every key (the shard came back empty). */
  clear(): void {
    this.stored.clear();
    this.keys.length = 0;
    this.volatile.length = 0;
    this.pool.length = 0;
    this.usedBytes = 0;
  }

  /**
   * Keys to evict to free `bytesOver` bytes and `entriesOver` entries, or null when the policy cannot
   * free them.
   */
  private planEvictions(
    bytesOver: number,
    entriesOver: number,
    keep: Stored | undefined,
    nowUs: number,
  ): Stored[] | null {
    if (this.policy === "noeviction") return null;
    const chosen = new Set<Stored>();
    let freed = 0;
    // Each round evicts one key, as Redis's performEvictions loop does.
    for (let round = 0; freed < bytesOver || chosen.size < entriesOver; round++) {
      if (round > this.stored.size) return null;
      const victim =
        this.policy === "allkeys-random" ? this.randomKey(chosen, keep) : this.fromPool(chosen, keep, nowUs);
      if (victim === null) return null;
      chosen.add(victim);
      freed += victim.bytes;
    }
    return [...chosen];
  }

  private randomKey(chosen: Set<Stored>, keep: Stored | undefined): Stored | null {
    const candidates = this.keys.length - chosen.size - (keep !== undefined ? 1 : 0);
    if (candidates <= 0) return null;
    for (;;) {
      const entry = this.keys[Math.floor(this.rng.next() * this.keys.length)] as Stored;
      if (entry !== keep && !chosen.has(entry)) return entry;
    }
  }

  /** Redis's evictionPoolPopulate then the pick of the best pooled key still present. */
  private fromPool(chosen: Set<Stored>, keep: Stored | undefined, nowUs: number): Stored | null {
    const from = this.policy === "volatile-ttl" ? this.volatile : this.keys;
    const counts = (e: Stored) => from === this.keys || e.volatileAt >= 0;
    let excluded = keep !== undefined && counts(keep) ? 1 : 0;
    for (const e of chosen) if (counts(e)) excluded++;
    if (from.length - excluded <= 0) return null;
    for (;;) {
      for (let s = 0; s < this.samples; s++) {
        const entry = from[Math.floor(this.rng.next() * from.length)] as Stored;
        this.poolInsert(entry.key, this.score(entry, nowUs));
      }
      // The best candidate sits at the end of the pool; one no longer present (or already chosen) is dropped.
      while (this.pool.length > 0) {
        const slot = this.pool.pop() as PoolSlot;
        const entry = this.stored.get(slot.key);
        if (entry !== undefined && entry !== keep && !chosen.has(entry)) return entry;
      }
    }
  }

  /** Keeps the pool sorted by score, ascending, at most POOL_SIZE long: the lowest score drops out. */
  private poolInsert(key: string, score: number): void {
    const pool = this.pool;
    if (pool.some((slot) => slot.key === key)) return;
    let k = 0;
    while (k < pool.length && (pool[k] as PoolSlot).score < score) k++;
    if (pool.length >= POOL_SIZE) {
      if (k === 0) return; // worse than every pooled candidate
      pool.splice(0, 1);
      k--;
    }
    pool.splice(k, 0, { key, score });
  }

  /** Higher = better to evict. */
  private score(entry: Stored, nowUs: number): number {
    switch (this.policy) {
      case "allkeys-lru":
        return nowUs - entry.lastAccessUs;
      case "allkeys-lfu":
        return 255 - this.decayedCounter(entry, nowUs);
      default:
        // volatile-ttl: the sooner it expires, the better to evict.
        return -entry.expiresAtUs;
    }
  }

  private access(entry: Stored, nowUs: number): void {
    entry.lastAccessUs = nowUs;
    if (this.policy !== "allkeys-lfu") return;
    let counter = this.decayedCounter(entry, nowUs);
    if (counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      if (this.rng.next() < 1 / (base * this.lfuLogFactor + 1)) counter++;
    }
    entry.lfuCounter = counter;
    entry.lfuMinute = Math.floor(nowUs / US_PER_MINUTE);
  }

  /** Redis's LFUDecrAndReturn: one step down per lfuDecayTime minutes since the last decrement. */
  private decayedCounter(entry: Stored, nowUs: number): number {
    if (this.lfuDecayTimeMin <= 0) return entry.lfuCounter;
    const periods = Math.floor((Math.floor(nowUs / US_PER_MINUTE) - entry.lfuMinute) / this.lfuDecayTimeMin);
    return Math.max(0, entry.lfuCounter - periods);
  }

  private setExpiry(entry: Stored, expiresAtUs: number): void {
    entry.expiresAtUs = expiresAtUs;
    if (Number.isFinite(expiresAtUs)) {
      if (entry.volatileAt < 0) {
        entry.volatileAt = this.volatile.length;
        this.volatile.push(entry);
      }
    } else this.unVolatile(entry);
  }

  private unVolatile(entry: Stored): void {
    if (entry.volatileAt < 0) return;
    const last = this.volatile.pop() as Stored;
    if (last !== entry) {
      this.volatile[entry.volatileAt] = last;
      last.volatileAt = entry.volatileAt;
    }
    entry.volatileAt = -1;
  }

  private drop(entry: Stored): void {
    this.stored.delete(entry.key);
    this.unVolatile(entry);
    const last = this.keys.pop() as Stored;
    if (last !== entry) {
      this.keys[entry.at] = last;
      last.at = entry.at;
    }
    this.usedBytes -= entry.bytes;
  }
}
