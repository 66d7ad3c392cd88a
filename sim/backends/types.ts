// The only two things the simulation asks of the outside world. The engine never awaits a backend
// directly: it schedules the continuation at a later virtual time and the scheduler waits for the
// result only when that continuation is due, so results may be sync values or promises.

export type MaybePromise<T> = T | Promise<T>;

/** One row of the system of record. Version 0 means the key has never been written. */
export interface Record {
  value: string | null;
  version: number;
}

/**
 * The global cache tier (Redis). Keys arrive already prefixed by shard (`node_a:User:1`); a store adds
 * its own run namespace where it shares a server with others. Values are opaque strings: the engine
 * encodes version and virtual expiry into them, because expiry follows the virtual clock, not the store's.
 */
export interface CacheStore {
  /** Secret-free words for messages, e.g. `in-process Redis (ioredis-mock)` or `redis 127.0.0.1:6379`. */
  readonly description: string;
  get(key: string): MaybePromise<string | null>;
  set(key: string, value: string): MaybePromise<void>;
  del(key: string): MaybePromise<void>;
  /**
   * Atomically SETs `entry` if the key is absent, holds a lease, or holds an entry (value or tombstone)
   * that has expired at nowUs or has a version below `version`; 1 if set, 0 if refused. Entries are the
   * engine's strings (sim/model/globalCache.ts): `<version>|<expiresAtUs>|…`, leases `L|<token>|<expiresAtUs>`.
   */
  setIfNewer(key: string, entry: string, version: number, nowUs: number): MaybePromise<number>;
  /**
   * Atomically: if the key is absent or holds an expired lease or entry, stores the lease
   * `L|token|leaseExpiresAtUs` and answers "granted"; a live lease answers "held"; a live entry answers
   * the entry itself.
   */
  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): MaybePromise<string>;
  /** Atomically SETs `entry` only if the key holds a live lease with this token; 1 if set, 0 if not. */
  fillLease(key: string, token: number, nowUs: number, entry: string): MaybePromise<number>;
  /**
   * Publishes `message` on the run's own invalidation channel; resolves once the run's own subscriber
   * has received it (so the engine can deliver it at a virtual time of its choosing).
   */
  publish(message: string): MaybePromise<void>;
  /** Which server holds the key, where there are several (Redis Cluster); null where there is one. */
  locate(key: string): string | null;
  /** Removes everything this run created and disconnects. Safe to call twice. */
  close(): Promise<void>;
}

/** The system of record (SQLite). Every write commits and bumps the key's version by one. */
export interface RecordStore {
  readonly description: string;
  /** Loads the initial data, in order; each key starts at version 1. */
  seed(entries: Iterable<readonly [string, string]>): MaybePromise<void>;
  /**
   * Loads keys prefix0 … prefix(count-1), all with one value, each at version 1; keys already seeded
   * keep theirs. One statement, so a large key space loads without a round trip per key.
   */
  fill?(prefix: string, count: number, value: string): MaybePromise<void>;
  read(key: string): MaybePromise<Record>;
  /** Commits the value and returns the key's new version. */
  write(key: string, value: string): MaybePromise<number>;
  /** Removes the run's table and disconnects. Safe to call twice. */
  close(): Promise<void>;
}

export interface Backends {
  cache: CacheStore;
  records: RecordStore;
}
