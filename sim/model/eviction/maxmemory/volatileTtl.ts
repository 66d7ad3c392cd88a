// volatile-ttl: of the keys with a TTL, the one expiring soonest in a sampled eviction pool; with none,
// the write is refused like noeviction.
import { strict } from "../../../plugin/options.ts";
import { EvictionPool, samplesOption } from "./evictionPool.ts";
import { type MaxmemoryPlugin, touchTime } from "./policy.ts";

export const volatileTtl: MaxmemoryPlugin<{ samples: number }> = {
  name: "volatile-ttl",
  summary: "evicts the key with a TTL that expires soonest, sampled",
  options: strict({ samples: samplesOption }),
  create: ({ shard, rng }, { samples }) => {
    // The sooner it expires, the better to evict.
    const pool = new EvictionPool(shard, rng, samples, true, (e) => -e.expiresAtUs);
    return {
      onInsert: touchTime,
      onAccess: touchTime,
      victim: (chosen, keep, nowUs) => pool.victim(chosen, keep, nowUs),
      clear: () => pool.clear(),
    };
  },
};
