// Registry of the global cache's maxmemory policies, keyed by the name used in scenario files
// (`globalCache: { eviction: allkeys-lru }` or `eviction: { policy: allkeys-lfu, lfuLogFactor: 100 }`).
// Each names a Redis `maxmemory-policy` and is one file in `maxmemory/`; options are Redis's own
// settings of the same meaning, with Redis's defaults. Adding one is a file there and a line here.
import type { Rng } from "../../core/rng.ts";
import { Registry } from "../../plugin/registry.ts";
import { allkeysLfu } from "./maxmemory/allkeysLfu.ts";
import { allkeysLru } from "./maxmemory/allkeysLru.ts";
import { allkeysRandom } from "./maxmemory/allkeysRandom.ts";
import { noeviction } from "./maxmemory/noeviction.ts";
import type { MaxmemoryPlugin } from "./maxmemory/policy.ts";
import { volatileTtl } from "./maxmemory/volatileTtl.ts";
import { ShardMemory } from "./shardMemory.ts";

export interface ShardMemoryContext {
  /** 0 = not bounded by bytes. */
  maxmemoryBytes: number;
  /** 0 = not bounded by entries. */
  maxEntries: number;
  /** The shard's own stream. */
  rng: Rng;
}

// Each plugin's options have their own type; the registry holds them at `never`, and `shardMemoryFor`
// hands a plugin only what its own schema parsed.
export const maxmemoryPolicies = new Registry<MaxmemoryPlugin<never>>(
  "maxmemory policy",
  [noeviction, allkeysLru, allkeysLfu, volatileTtl, allkeysRandom] as MaxmemoryPlugin<never>[],
  "policy",
);

/** A shard's memory with the named policy; options are filled in from their defaults. */
export function shardMemoryFor(name: string, options: unknown, context: ShardMemoryContext): ShardMemory {
  const plugin = maxmemoryPolicies.get(name);
  const parsed = plugin.options.parse(options ?? {});
  return new ShardMemory({
    maxmemoryBytes: context.maxmemoryBytes,
    maxEntries: context.maxEntries,
    policy: (shard) => plugin.create({ shard, rng: context.rng }, parsed),
  });
}
