// Registry of the global cache's maxmemory policies, keyed by the name used in scenario files
// (`globalCache: { eviction: allkeys-lru }` or `eviction: { policy: allkeys-lfu, lfuLogFactor: 100 }`).
// Each names a Redis `maxmemory-policy`; their behaviour (and where it departs from Redis) lives in
// shardMemory.ts. Options are Redis's own settings of the same meaning, with Redis's defaults.
import type { z } from "zod";
import type { Rng } from "../../core/rng.ts";
import { intIn, strict } from "../../plugin/options.ts";
import { type Plugin, Registry } from "../../plugin/registry.ts";
import { type MaxmemoryPolicy, ShardMemory } from "./shardMemory.ts";

export interface ShardMemoryContext {
  /** 0 = not bounded by bytes. */
  maxmemoryBytes: number;
  /** 0 = not bounded by entries. */
  maxEntries: number;
  /** The shard's own stream. */
  rng: Rng;
}

export type MaxmemoryPlugin = Plugin<Record<string, number>, ShardMemoryContext, ShardMemory>;

const samples = intIn(1, 64)
  .default(5)
  .describe("keys sampled per eviction round into the 16-slot eviction pool (Redis maxmemory-samples)");

const none = strict({});
const sampled = strict({ samples });
const lfuOptions = strict({
  samples,
  lfuLogFactor: intIn(0, 1_000_000)
    .default(10)
    .describe("how slowly the 8-bit logarithmic access counter climbs (Redis lfu-log-factor)"),
  lfuDecayMinutes: intIn(0, 1_000_000)
    .default(1)
    .describe("minutes without access per step down of the counter; 0 = never decays (Redis lfu-decay-time)"),
});

function policy(
  name: MaxmemoryPolicy,
  summary: string,
  options: z.ZodType<Record<string, number>>,
): MaxmemoryPlugin {
  return {
    name,
    summary,
    options,
    create: (context, o) =>
      new ShardMemory({
        maxmemoryBytes: context.maxmemoryBytes,
        maxEntries: context.maxEntries,
        policy: name,
        rng: context.rng,
        ...(o.samples !== undefined ? { samples: o.samples } : {}),
        ...(o.lfuLogFactor !== undefined ? { lfuLogFactor: o.lfuLogFactor } : {}),
        ...(o.lfuDecayMinutes !== undefined ? { lfuDecayTimeMin: o.lfuDecayMinutes } : {}),
      }),
  };
}

export const maxmemoryPolicies = new Registry<MaxmemoryPlugin>(
  "maxmemory policy",
  [
    policy("noeviction", "nothing is evicted: a write that does not fit is refused and counted", none),
    policy("allkeys-lru", "evicts a long-idle key, found by Redis's sampled eviction pool", sampled),
    policy("allkeys-lfu", "evicts a rarely used key by Redis's logarithmic counter, sampled", lfuOptions),
    policy("volatile-ttl", "evicts the key with a TTL that expires soonest, sampled", sampled),
    policy("allkeys-random", "evicts a key drawn uniformly from the shard's seeded stream", none),
  ],
  "policy",
);

/** Redis's default when maxmemory is set and no policy is named. */
export const DEFAULT_MAXMEMORY_POLICY = "noeviction";

/** A shard's memory with the named policy; options are filled in from their defaults. */
export function shardMemoryFor(name: string, options: unknown, context: ShardMemoryContext): ShardMemory {
  const plugin = maxmemoryPolicies.get(name);
  return plugin.create(context, plugin.options.parse(options));
}
