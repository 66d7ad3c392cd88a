// The only two things the simulation asks of the outside world. The engine never awaits a backend
// directly: it schedules the continuation at a later virtual time and the scheduler waits for the
// result only when that continuation is due, so results may be sync values or promises.

import type { FilledData } from "./filledRange.ts";

export type MaybePromise<T> = T | Promise<T>;

/** One row of the system of record. Version 0 means the key has never been written. */
export interface Record {
  value: string | null;
  version: number;
}

/** What `takeLease` answers: the lease is now the caller's, another holds a live one, or the live entry. */
export type LeaseAnswer = "granted" | "held" | (string & {});

/**
 * The global cache tier (Redis). Keys arrive already prefixed by shard (`node_a:User:1`); a store adds
 * its own run namespace where it shares a server with others. Values are opaque strings to `get`/`set`:
 * the engine encodes version and virtual expiry into them, because expiry follows the virtual clock, not
 * the store's. The conditional operations read that encoding (it is the engine's, in
 * sim/model/globalCache.ts), each atomically and in one round trip:
 *
 * - value entry `<version>|<expiresAtUs>|n` (absent value) or `<version>|<expiresAtUs>|s<value>`;
 * - tombstone `<version>|<expiresAtUs>|t`;
 * - lease `L|<token>|<expiresAtUs>`.
 *
 * expiresAtUs 0 means never; an entry or lease is live at nowUs while nowUs < expiresAtUs. Every operation
 * that needs "now" takes it as `nowUs`: expiry is virtual, never a Redis TTL.
 */
export interface CacheStore {
  /** Secret-free words for messages, e.g. `in-process Redis (ioredis-mock)` or `redis 127.0.0.1:6379`. */
  readonly description: string;
  get(key: string): MaybePromise<string | null>;
  set(key: string, value: string): MaybePromise<void>;
  del(key: string): MaybePromise<void>;
  /**
   * Compare-and-set by version: stores `entry` if the key is absent, holds a lease, holds an entry (value
   * or tombstone) that has expired at nowUs, or holds one whose version is below `version`. 1 if stored,
   * 0 if refused.
   */
  setIfNewer(key: string, entry: string, version: number, nowUs: number): MaybePromise<number>;
  /**
   * Asks for the right to fill a missing key. Absent, an expired lease or an expired entry: stores the
   * lease `L|token|leaseExpiresAtUs` and answers "granted". A live lease: "held". A live entry (value or
   * tombstone): that entry, as stored, and no lease (the caller decodes it: a hit, or a miss it may not fill).
   */
  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): MaybePromise<LeaseAnswer>;
  /** Stores `entry` only if the key holds a live lease with this token: 1 if stored, 0 if not. */
  fillLease(key: string, token: number, nowUs: number, entry: string): MaybePromise<number>;
  /**
   * Broadcasts `message` on the run's own channel. Resolves once the run's own subscriber connection has
   * received it, so the engine can deliver it at a virtual time of its choosing and wait only then.
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
   * Makes keys prefix0 … prefix(count-1) exist (filledRange.ts's rule), all with one value at version 1,
   * without writing a row: a key of the range with no row reads as the fill value at version 1, and its
   * first write gives version 2. Keys seeded keep theirs. Memory follows the keys written, not count.
   */
  fill(range: FilledData): void;
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
