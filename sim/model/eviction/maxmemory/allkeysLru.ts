// allkeys-lru: Redis's approximated LRU, the longest-idle key of a sampled eviction pool. Idle time is
// exact virtual microseconds (Redis keeps a 1-second LRU clock).
import { strict } from "../../../plugin/options.ts";
import { EvictionPool, samplesOption } from "./evictionPool.ts";
import { type MaxmemoryPlugin, touchTime } from "./policy.ts";

export const allkeysLru: MaxmemoryPlugin<{ samples: number }> = {
  name: "allkeys-lru",
  summary: "evicts a long-idle key, found by Redis's sampled eviction pool",
  options: strict({ samples: samplesOption }),
  create: ({ shard, rng }, { samples }) => {
    const pool = new EvictionPool(shard, rng, samples, false, (e, nowUs) => nowUs - e.lastAccessUs);
    return {
      onInsert: touchTime,
      onAccess: touchTime,
      victim: (chosen, keep, nowUs) => pool.victim(chosen, keep, nowUs),
      clear: () => pool.clear(),
    };
  },
};
