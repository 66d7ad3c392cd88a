// The truth about the system of record, kept beside it so every read can be judged: which version of
// each key is current, and when each version was superseded. A read is stale when the version it
// returned had already been superseded when the read began; its staleness age is how long before.
//
// Keys are interned: workloads resolve a key name to its Key once, and the hot path then reaches the
// key's history (and its cached shard) without a hash lookup. Memory grows with the keys actually
// touched and the writes committed (one number per version), not with the number of requests: keys of
// a `data.fill` range are created when first named, already at version 1, so a 10,000,000-key fill
// costs nothing until its keys are used (the rule is filledRange.ts's, which the stores of record share).

import { type FilledRange, inFilledRange, nonEmpty } from "./filledRange.ts";

export class Key {
  /** commitUs[v - 1] is when version v was committed; the current version is the array's length. */
  readonly commitUs: number[];
  /** Versions acknowledged but not yet committed (write-behind); they commit in order. */
  pending = 0;
  /** Index of the global-cache shard that owns the key, once looked up; -1 before. */
  shardIndex = -1;
  /** The key's name in the global cache store (`shard:name`), built once with the shard. */
  storeKey = "";

  constructor(
    readonly name: string,
    seeded: boolean,
  ) {
    this.commitUs = seeded ? [0] : [];
  }

  get version(): number {
    return this.commitUs.length;
  }
}

export class Oracle {
  private readonly keys = new Map<string, Key>();
  private readonly filled: FilledRange | null;

  constructor(filled: FilledRange | null = null) {
    this.filled = nonEmpty(filled);
  }

  /** The one Key object for this name. */
  key(name: string): Key {
    let key = this.keys.get(name);
    if (key === undefined) {
      key = new Key(name, inFilledRange(this.filled, name));
      this.keys.set(name, key);
    }
    return key;
  }

  /** Records the initial data: version 1 of a seeded key, committed before the run starts. */
  seed(name: string): void {
    const key = this.key(name);
    if (key.version === 0) key.commitUs.push(0);
  }

  /** Records a commit; versions must arrive in order, as the system of record assigns them. */
  commit(key: Key, version: number, nowUs: number): void {
    if (version !== key.commitUs.length + 1) {
      throw new Error(`oracle: ${key.name} committed version ${version} after ${key.commitUs.length}`);
    }
    key.commitUs.push(nowUs);
  }

  /** When `version` of key was replaced by a newer one, or undefined while it is current. */
  supersededAtUs(key: Key, version: number): number | undefined {
    return key.commitUs[version];
  }
}
