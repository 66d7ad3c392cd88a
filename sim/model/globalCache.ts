// The global cache tier: a consistent-hash ring of virtual cache nodes (shards) over one CacheStore,
// each shard a Redis key prefix with its own TTL. Expiry follows the virtual clock, so the expiry time
// travels inside the stored value rather than as a Redis TTL (which would follow the wall clock).
import type { CacheStore, MaybePromise } from "../backends/types.ts";
import { HashRing } from "./hashRing.ts";

export interface Shard {
  name: string;
  ttlUs: number;
  /** Redis key prefix, `node_a:`. */
  prefix: string;
}

export type GlobalLookup =
  | { kind: "hit"; value: string | null; version: number }
  | { kind: "miss" }
  | { kind: "expired" };

const MISS: GlobalLookup = { kind: "miss" };
const EXPIRED: GlobalLookup = { kind: "expired" };

export class GlobalCache {
  private readonly ring: HashRing<Shard>;
  /** Ring lookups are pure, and keys repeat: remember them (bounded by the scenario's key space). */
  private readonly shardOfKey = new Map<string, Shard>();

  constructor(
    readonly store: CacheStore,
    shards: ReadonlyArray<{ name: string; ttlUs: number }>,
    ringPoints: number,
  ) {
    this.ring = new HashRing(
      shards.map((s) => ({ name: s.name, shard: { name: s.name, ttlUs: s.ttlUs, prefix: `${s.name}:` } })),
      ringPoints,
    );
  }

  shardFor(key: string): Shard {
    let shard = this.shardOfKey.get(key);
    if (shard === undefined) {
      shard = this.ring.lookup(key);
      this.shardOfKey.set(key, shard);
    }
    return shard;
  }

  /** Where the entry lives: the shard name, or the server that holds it where there are several. */
  servedBy(shard: Shard, key: string): string {
    return this.store.locate(shard.prefix + key) ?? shard.name;
  }

  get(shard: Shard, key: string): MaybePromise<string | null> {
    return this.store.get(shard.prefix + key);
  }

  /** Stores the entry as of nowUs (the moment the write reaches the cache); its TTL starts then. */
  set(shard: Shard, key: string, value: string | null, version: number, nowUs: number): MaybePromise<void> {
    const expiresAtUs = shard.ttlUs > 0 ? nowUs + shard.ttlUs : 0;
    return this.store.set(shard.prefix + key, encodeEntry(value, version, expiresAtUs));
  }

  /** Reads a stored entry as of atUs, the moment the request reached the cache. */
  decode(raw: string | null, atUs: number): GlobalLookup {
    if (raw === null) return MISS;
    const first = raw.indexOf("|");
    const second = raw.indexOf("|", first + 1);
    const expiresAtUs = Number(raw.slice(first + 1, second));
    if (expiresAtUs !== 0 && atUs >= expiresAtUs) return EXPIRED;
    const version = Number(raw.slice(0, first));
    const tag = raw.charCodeAt(second + 1);
    return { kind: "hit", version, value: tag === 110 /* n */ ? null : raw.slice(second + 2) };
  }
}

/** `version|expiresAtUs|` then `n` for an absent value or `s` followed by the value. 0 = no expiry. */
export function encodeEntry(value: string | null, version: number, expiresAtUs: number): string {
  return `${version}|${expiresAtUs}|${value === null ? "n" : `s${value}`}`;
}
