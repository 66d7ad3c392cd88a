// allkeys-lfu: Redis's LFU, exactly: an 8-bit logarithmic counter that starts at 5, rises on an access
// with probability 1 / ((counter - 5) × lfuLogFactor + 1) (the coin from the shard's seeded stream), and
// falls by one per lfuDecayTime minutes without access; the victim is the lowest decayed counter of a
// sampled eviction pool.
import { intIn, strict } from "../../../plugin/options.ts";
import { EvictionPool, samplesOption } from "./evictionPool.ts";
import type { MaxmemoryPlugin, StoredKey } from "./policy.ts";

const LFU_INIT_VAL = 5;
const US_PER_MINUTE = 60_000_000;

interface LfuOptions {
  samples: number;
  lfuLogFactor: number;
  lfuDecayMinutes: number;
}

export const allkeysLfu: MaxmemoryPlugin<LfuOptions> = {
  name: "allkeys-lfu",
  summary: "evicts a rarely used key by Redis's logarithmic counter, sampled",
  options: strict({
    samples: samplesOption,
    lfuLogFactor: intIn(0, 1_000_000)
      .default(10)
      .describe("how slowly the 8-bit logarithmic access counter climbs (Redis lfu-log-factor)"),
    lfuDecayMinutes: intIn(0, 1_000_000)
      .default(1)
      .describe(
        "minutes without access per step down of the counter; 0 = never decays (Redis lfu-decay-time)",
      ),
  }),
  create: ({ shard, rng }, { samples, lfuLogFactor, lfuDecayMinutes }) => {
    /** Redis's LFUDecrAndReturn: one step down per lfuDecayTime minutes since the last decrement. */
    const decayed = (entry: StoredKey, nowUs: number): number => {
      if (lfuDecayMinutes <= 0) return entry.lfuCounter;
      const periods = Math.floor((Math.floor(nowUs / US_PER_MINUTE) - entry.lfuMinute) / lfuDecayMinutes);
      return Math.max(0, entry.lfuCounter - periods);
    };
    const pool = new EvictionPool(shard, rng, samples, false, (e, nowUs) => 255 - decayed(e, nowUs));
    return {
      onInsert(entry, nowUs) {
        entry.lastAccessUs = nowUs;
        entry.lfuCounter = LFU_INIT_VAL;
        entry.lfuMinute = Math.floor(nowUs / US_PER_MINUTE);
      },
      onAccess(entry, nowUs) {
        entry.lastAccessUs = nowUs;
        let counter = decayed(entry, nowUs);
        if (counter < 255) {
          const base = Math.max(0, counter - LFU_INIT_VAL);
          if (rng.next() < 1 / (base * lfuLogFactor + 1)) counter++;
        }
        entry.lfuCounter = counter;
        entry.lfuMinute = Math.floor(nowUs / US_PER_MINUTE);
      },
      victim: (chosen, keep, nowUs) => pool.victim(chosen, keep, nowUs),
      clear: () => pool.clear(),
    };
  },
};
