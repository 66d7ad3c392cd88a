// The truth about the system of record, kept beside it so every read can be judged: which version of
// each key is current, and when each version was superseded. A read is stale when the version it
// returned had already been superseded when the read began; its staleness age is how long before.
//
// Keys are interned: workloads resolve a key name to its Key once, and the hot path then reaches the
// key's history (and its cached shard) without a hash lookup. Memory grows with the number of keys and
// of committed writes (one number per version), not with the number of requests.

export class Key {
  /** commitUs[v - 1] is when version v was committed; the current version is the array's length. */
  readonly commitUs: number[] = [];
  /** Index of the global-cache shard that owns the key, once looked up; -1 before. */
  shardIndex = -1;
  /** The key's name in the global cache store (`shard:name`), built once with the shard. */
  storeKey = "";

  constructor(readonly name: string) {}

  get version(): number {
    return this.commitUs.length;
  }
}

export class Oracle {
  private readonly keys = new Map<string, Key>();

  /** The one Key object for this name. */
  key(name: string): Key {
    let key = this.keys.get(name);
    if (key === undefined) {
      key = new Key(name);
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
