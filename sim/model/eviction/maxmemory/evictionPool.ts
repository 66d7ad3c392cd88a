// Redis's eviction pool (evict.c: evictionPoolPopulate and the pick of the best pooled key), shared by
// the sampled policies: each round samples `samples` keys uniformly from the candidates into a pool of
// 16 kept in order of score, and the best pooled key still present is the victim. Redis takes a run of
// hash-table buckets from a random start; we sample uniformly from the shard's seeded stream.
import type { Rng } from "../../../core/rng.ts";
import { intIn } from "../../../plugin/options.ts";
import type { ShardKeys, StoredKey } from "./policy.ts";

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;

export const samplesOption = intIn(1, 64)
  .default(5)
  .describe("keys sampled per eviction round into the 16-slot eviction pool (Redis maxmemory-samples)");

interface PoolSlot {
  key: string;
  score: number;
}

export class EvictionPool {
  private readonly pool: PoolSlot[] = [];

  constructor(
    private readonly shard: ShardKeys,
    private readonly rng: Rng,
    private readonly samples: number,
    /** Only keys with a TTL are candidates (volatile-ttl). */
    private readonly volatileOnly: boolean,
    /** Higher = better to evict. */
    private readonly score: (entry: StoredKey, nowUs: number) => number,
  ) {}

  victim(chosen: ReadonlySet<StoredKey>, keep: StoredKey | undefined, nowUs: number): StoredKey | null {
    const from = this.volatileOnly ? this.shard.volatile : this.shard.all;
    const counts = (e: StoredKey) => !this.volatileOnly || e.volatile;
    let excluded = keep !== undefined && counts(keep) ? 1 : 0;
    for (const e of chosen) if (counts(e)) excluded++;
    if (from.length - excluded <= 0) return null;
    for (;;) {
      for (let s = 0; s < this.samples; s++) {
        const entry = from[Math.floor(this.rng.next() * from.length)] as StoredKey;
        this.insert(entry.key, this.score(entry, nowUs));
      }
      // The best candidate sits at the end of the pool; one no longer present (or already chosen) is dropped.
      while (this.pool.length > 0) {
        const slot = this.pool.pop() as PoolSlot;
        const entry = this.shard.get(slot.key);
        if (entry !== undefined && entry !== keep && !chosen.has(entry)) return entry;
      }
    }
  }

  clear(): void {
    this.pool.length = 0;
  }

  /** Keeps the pool sorted by score, ascending, at most POOL_SIZE long: the lowest score drops out. */
  private insert(key: string, score: number): void {
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
}
