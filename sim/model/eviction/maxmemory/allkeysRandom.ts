// allkeys-random: a key drawn uniformly from the shard's seeded stream.
import { strict } from "../../../plugin/options.ts";
import { type MaxmemoryPlugin, type StoredKey, touchTime } from "./policy.ts";

export const allkeysRandom: MaxmemoryPlugin<Record<string, never>> = {
  name: "allkeys-random",
  summary: "evicts a key drawn uniformly from the shard's seeded stream",
  options: strict({}),
  create: ({ shard, rng }) => ({
    onInsert: touchTime,
    onAccess: touchTime,
    victim(chosen, keep) {
      const keys = shard.all;
      const candidates = keys.length - chosen.size - (keep !== undefined ? 1 : 0);
      if (candidates <= 0) return null;
      for (;;) {
        const entry = keys[Math.floor(rng.next() * keys.length)] as StoredKey;
        if (entry !== keep && !chosen.has(entry)) return entry;
      }
    },
    clear: () => {},
  }),
};
