// A global-cache shard bounded like Redis `maxmemory` (in bytes, the sum of the values' sizes), by a
// number of entries, or both: the engine keeps each shard's entry and byte accounting and
// decides every eviction itself, then applies it to the store (a DEL), so in-process and live runs stay
// byte-identical and a live server's own maxmemory is never involved.
//
// Which key leaves is the policy's choice: one file per Redis `maxmemory-policy` in `maxmemory/`, after
// Redis's documented behaviour (redis.io "Key eviction"; evict.c), registered in `maxmemoryPolicies.ts`.
// Where every policy differs from Redis, and why: eviction makes room before a write so that the write
// fits, so a shard never holds more than maxmemory (Redis evicts until it is under maxmemory and then
// runs the write, which may overshoot by one write).
import type { MaxmemoryPolicy, ShardKeys, StoredKey } from "./maxmemory/policy.ts";

export interface ShardMemoryOptions {
  /** The byte bound (Redis maxmemory); 0 = not bounded by bytes. */
  maxmemoryBytes: number;
  /** The entry bound; 0 or absent = not bounded by entries. */
  maxEntries?: number;
  /** Makes the policy that picks victims, given the shard's keys to look at. */
  policy: (shard: ShardKeys) => MaxmemoryPolicy;
}

class Stored implements StoredKey {
  /** Position in `all` and in `volatile` (-1: no TTL), for uniform sampling and O(1) removal. */
  at: number;
  volatileAt = -1;
  expiresAtUs = Number.POSITIVE_INFINITY;
  lastAccessUs = 0;
  lfuCounter = 0;
  lfuMinute = 0;

  constructor(
    readonly key: string,
    public bytes: number,
    at: number,
    /** The write that last set it (see `undo`). */
    public generation: number,
  ) {
    this.at = at;
  }

  get volatile(): boolean {
    return this.volatileAt >= 0;
  }
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

export class ShardMemory implements ShardKeys {
  /** Infinity when not bounded by bytes. */
  readonly maxmemoryBytes: number;
  /** Infinity when not bounded by entries. */
  readonly maxEntries: number;
  private readonly policy: MaxmemoryPolicy;
  private readonly stored = new Map<string, Stored>();
  readonly all: Stored[] = [];
  /** Keys with a TTL: volatile-ttl's candidates. */
  readonly volatile: Stored[] = [];
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
    this.policy = options.policy(this);
  }

  get size(): number {
    return this.stored.size;
  }

  has(key: string): boolean {
    return this.stored.has(key);
  }

  get(key: string): Stored | undefined {
    return this.stored.get(key);
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
      this.policy.onAccess(existing, nowUs);
    } else {
      const entry = new Stored(key, bytes, this.all.length, this.generation);
      this.policy.onInsert(entry, nowUs);
      this.stored.set(key, entry);
      this.all.push(entry);
      this.usedBytes += bytes;
      this.setExpiry(entry, expiresAtUs);
    }
    return victims.map((v) => v.key);
  }

  /** A read found the key: its LRU idle time restarts and its LFU counter may rise. */
  touch(key: string, nowUs: number): void {
    const entry = this.stored.get(key);
    if (entry !== undefined) this.policy.onAccess(entry, nowUs);
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
    this.all.length = 0;
    this.volatile.length = 0;
    this.policy.clear();
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
    const chosen = new Set<Stored>();
    let freed = 0;
    // Each round evicts one key, as Redis's performEvictions loop does.
    for (let round = 0; freed < bytesOver || chosen.size < entriesOver; round++) {
      if (round > this.stored.size) return null;
      const victim = this.policy.victim(chosen, keep, nowUs) as Stored | null;
      if (victim === null) return null;
      chosen.add(victim);
      freed += victim.bytes;
    }
    return [...chosen];
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
    const last = this.all.pop() as Stored;
    if (last !== entry) {
      this.all[entry.at] = last;
      last.at = entry.at;
    }
    this.usedBytes -= entry.bytes;
  }
}
