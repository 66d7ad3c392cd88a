// The global cache tier: a consistent-hash ring of virtual cache nodes (shards) over one CacheStore,
// each shard a Redis key prefix with its own TTL. Expiry follows the virtual clock, so the expiry time
// travels inside the stored value rather than as a Redis TTL (which would follow the wall clock).
import type { CacheStore, MaybePromise } from "../backends/types.ts";
import { HashRing } from "./hashRing.ts";
import type { Key } from "./oracle.ts";

export interface Shard {
  name: string;
  ttlUs: number;
  /** Redis key prefix, `node_a:`. */
  prefix: string;
}

export type GlobalLookup = "hit" | "miss" | "expired";

export class GlobalCache {
  private readonly ring: HashRing<number>;
  private readonly shards: Shard[];

  constructor(
    readonly store: CacheStore,
    shards: ReadonlyArray<{ name: string; ttlUs: number }>,
    ringPoints: number,
  ) {
    this.shards = shards.map((s) => ({ name: s.name, ttlUs: s.ttlUs, prefix: `${s.name}:` }));
    this.ring = new HashRing(
      shards.map((s, index) => ({ name: s.name, shard: index })),
      ringPoints,
    );
  }

  /** The key's shard; the ring is asked once per key and the answer kept on the key. */
  shardFor(key: Key): Shard {
    if (key.shardIndex < 0) {
      key.shardIndex = this.ring.lookup(key.name);
      key.storeKey = (this.shards[key.shardIndex] as Shard).prefix + key.name;
    }
    return this.shards[key.shardIndex] as Shard;
  }

  /** Where the entry lives: the shard name, or the server that holds it where there are several. */
  servedBy(shard: Shard, key: Key): string {
    return this.store.locate(key.storeKey) ?? shard.name;
  }

  /** Reads the key's entry; shardFor(key) must have been asked first, as it names the stored key. */
  get(key: Key): MaybePromise<string | null> {
    return this.store.get(key.storeKey);
  }

  /** Stores the entry as of nowUs (the moment the write reaches the cache); its TTL starts then. */
  set(shard: Shard, key: Key, value: string | null, version: number, nowUs: number): MaybePromise<void> {
    const expiresAtUs = shard.ttlUs > 0 ? nowUs + shard.ttlUs : 0;
    return this.store.set(key.storeKey, encodeEntry(value, version, expiresAtUs));
  }

  /**
   * Reads a stored entry as of atUs, the moment the request reached the cache; on a hit, its value and
   * version are written into `into`.
   */
  decodeInto(
    raw: string | null,
    atUs: number,
    into: { value: string | null; version: number },
  ): GlobalLookup {
    if (raw === null) return "miss";
    const first = raw.indexOf("|");
    const second = raw.indexOf("|", first + 1);
    const expiresAtUs = Number(raw.slice(first + 1, second));
    if (expiresAtUs !== 0 && atUs >= expiresAtUs) return "expired";
    into.version = Number(raw.slice(0, first));
    into.value = raw.charCodeAt(second + 1) === 110 /* n */ ? null : raw.slice(second + 2);
    return "hit";
  }
}

/** `version|expiresAtUs|` then `n` for an absent value or `s` followed by the value. 0 = no expiry. */
export function encodeEntry(value: string | null, version: number, expiresAtUs: number): string {
  return `${version}|${expiresAtUs}|${value === null ? "n" : `s${value}`}`;
}
