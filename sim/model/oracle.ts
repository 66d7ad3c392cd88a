// The truth about the system of record, kept beside it so every read can be judged: which version of
// each key is current, and when each version was superseded. A read is stale when the version it
// returned had already been superseded when the read began; its staleness age is how long before.
//
// Keys are interned: workloads resolve a key name to its Key once, and the hot path then reaches the
// key's history (and its cached shard) without a hash lookup. Memory grows with the keys actually
// touched and the writes committed (one number per version), not with the number of requests: keys of
// a `data.fill` range are created when first named, already at version 1, so a 10,000,000-key fill
// costs nothing until its keys are used (the rule is filledRange.ts's, which the stores of record share).

import { KeptForNextRun } from "../core/betweenRuns.ts";
import { CommitLog, NO_SEGMENT } from "./commitLog.ts";
import { type FilledData, type FilledRange, filledIndex, nonEmpty } from "./filledRange.ts";

export class Key {
  /** The current version (0: never written); `version` reads it, the oracle's commits move it. */
  private versions: number;
  /** Where the commit log holds this key's commit times (commitLog.ts; NO_SEGMENT: none kept). */
  private commitsAt = NO_SEGMENT;
  /** Index of the global-cache shard that owns the key, once looked up; -1 before. */
  shardIndex = -1;
  /** The key's name in the global cache store (`shard:name`), built once with the shard. */
  storeKey = "";
  /**
   * The current version's value, as the oracle was told it (null when not told). A read that returns the
   * current version takes this string rather than the copy its store answered with (sharedValue): a
   * local cache keeps what a read returns until it is evicted, long enough for a copy to outlive the
   * young generation and become garbage that only a full collection frees.
   */
  valueNow: string | null = null;

  constructor(
    readonly name: string,
    seeded: boolean,
  ) {
    this.versions = seeded ? 1 : 0;
  }

  /** The current version (0: the key has never been written). */
  get version(): number {
    return this.versions;
  }

  /** When `version` was committed, from the oracle's log; undefined for a version not committed yet. */
  committedAtUs(log: CommitLog, version: number): number | undefined {
    if (version < 1 || version > this.versions) return undefined;
    // No segment: the key's only version was there from the start (seeded or filled).
    return this.commitsAt === NO_SEGMENT ? 0 : log.at(this.commitsAt, version - 1);
  }

  /** Records the commit of the next version in the oracle's log (the oracle checks the order). */
  addCommit(log: CommitLog, nowUs: number): void {
    // A version committed at time 0 with nothing after it needs no segment (committedAtUs's rule).
    if (nowUs === 0 && this.versions === 0 && this.commitsAt === NO_SEGMENT) {
      this.versions = 1;
      return;
    }
    this.commitsAt = log.append(this.commitsAt, this.versions, nowUs);
    this.versions++;
  }
}

/**
 * A fill range up to this many keys keeps its Keys in an array indexed by the key's number (8 bytes a
 * slot, 8 MiB at most), where a Map costs about 45 bytes a key once touched and rebuilds its table as it
 * grows; a larger range, and every key outside the range, goes to the Map.
 */
const DENSE_FILL_MAX = 1_000_000;

/**
 * The last run's slots for its fill range's Keys, for the next run whose range has the same count, while
 * runs are kept for the runs after them (keepBetweenRuns: a sweep, between its points). Made whole at
 * once and written as they are made (8 MiB for 1,000,000 keys, 2.6 - 7 ms for 100,000), they were much
 * of a short point's set-up, and garbage the old generation had to collect.
 */
const spareFilledKeys = new KeptForNextRun<Array<Key | undefined>>();

/** Empty slots for a fill range of `count` keys: the last run's, emptied, when kept and of that count. */
function filledKeySlots(count: number): Array<Key | undefined> {
  const spare = spareFilledKeys.take((slots) => slots.length === count);
  return spare !== null ? spare.fill(undefined) : new Array<Key | undefined>(count);
}

export class Oracle {
  private readonly keys = new Map<string, Key>();
  private readonly filled: FilledRange | null;
  private readonly filledValue: string | null;
  /** The fill range's Keys by index, when the range is small enough (DENSE_FILL_MAX); else null. */
  private readonly filledKeys: Array<Key | undefined> | null;
  /** Every key's commit times. */
  private readonly log = new CommitLog();
  /**
   * Versions acknowledged but not yet committed (write-behind), by key; they commit in order. Kept here
   * rather than on every Key: most runs reserve none, and a Key is made for every key a run touches.
   */
  private readonly reserved = new Map<Key, number>();

  constructor(filled: FilledRange | FilledData | null = null) {
    this.filled = nonEmpty(filled);
    this.filledValue = filled !== null && "value" in filled ? filled.value : null;
    const count = this.filled?.count ?? 0;
    this.filledKeys = count > 0 && count <= DENSE_FILL_MAX ? filledKeySlots(count) : null;
  }

  /**
   * Hands the fill range's slots on to the next run, when runs are kept for the runs after them. Called
   * once the run is over: nothing may use this oracle afterwards.
   */
  retire(): void {
    if (this.filledKeys !== null) spareFilledKeys.offer(this.filledKeys);
  }

  /**
   * The array the fill range's Keys sit in by index, for a workload naming keys `prefix<i>` with i below
   * `count`, all of them in the range: it may look its keys up there (filling a missing one with `key`)
   * rather than keep an array of its own. Null when the range is kept in the Map or does not cover them.
   */
  filledKeysFor(prefix: string, count: number): Array<Key | undefined> | null {
    const range = this.filled;
    if (range === null || range.prefix !== prefix || count > range.count) return null;
    return this.filledKeys;
  }

  /** The one Key object for this name. */
  key(name: string): Key {
    const index = filledIndex(this.filled, name);
    const dense = this.filledKeys;
    if (index >= 0 && dense !== null) {
      let key = dense[index];
      if (key === undefined) {
        key = this.made(name, true);
        dense[index] = key;
      }
      return key;
    }
    let key = this.keys.get(name);
    if (key === undefined) {
      key = this.made(name, index >= 0);
      this.keys.set(name, key);
    }
    return key;
  }

  private made(name: string, filled: boolean): Key {
    const key = new Key(name, filled);
    if (filled) key.valueNow = this.filledValue;
    return key;
  }

  /** Records the initial data: version 1 of a seeded key, committed before the run starts. */
  seed(name: string, value: string): void {
    const key = this.key(name);
    if (key.version === 0) {
      key.addCommit(this.log, 0);
      key.valueNow = value;
    }
  }

  /** Records a commit of `value`; versions must arrive in order, as the system of record assigns them. */
  commit(key: Key, version: number, nowUs: number, value: string | null): void {
    if (version !== key.version + 1) {
      throw new Error(`oracle: ${key.name} committed version ${version} after ${key.version}`);
    }
    key.addCommit(this.log, nowUs);
    key.valueNow = value;
  }

  /** When `version` of key was committed, or undefined for a version not committed yet. */
  committedAtUs(key: Key, version: number): number | undefined {
    return key.committedAtUs(this.log, version);
  }

  /** When `version` of key was replaced by a newer one, or undefined while it is current. */
  supersededAtUs(key: Key, version: number): number | undefined {
    return key.committedAtUs(this.log, version + 1);
  }

  /** Versions of key reserved and not yet committed (write-behind). */
  pending(key: Key): number {
    return this.reserved.size === 0 ? 0 : (this.reserved.get(key) ?? 0);
  }

  /** Reserves one more version of key; returns how many are now pending. */
  reserve(key: Key): number {
    const pending = this.pending(key) + 1;
    this.reserved.set(key, pending);
    return pending;
  }

  /** Gives back one reserved version of key (committed, or never to commit). */
  release(key: Key): void {
    const pending = this.pending(key) - 1;
    if (pending > 0) this.reserved.set(key, pending);
    else this.reserved.delete(key);
  }
}

/**
 * The value a store answered for version `version` of key, as the string the key already holds when it
 * is the current version's and equal (see Key.valueNow), else as answered. Strings are compared by
 * content, so the result is always equal to `value`.
 */
export function sharedValue(key: Key, version: number, value: string | null): string | null {
  const known = key.valueNow;
  return known !== null && version === key.version && known === value ? known : value;
}

/**
 * raw.slice(start), or the current version's string when `version` is current and raw holds exactly it
 * from start: a global-cache hit then makes no copy of the value.
 */
export function sharedValueAt(key: Key, version: number, raw: string, start: number): string {
  const known = key.valueNow;
  if (
    known !== null &&
    version === key.version &&
    raw.length - start === known.length &&
    raw.startsWith(known, start)
  )
    return known;
  return raw.slice(start);
}
