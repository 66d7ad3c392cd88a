// Registry of local-cache eviction policies, keyed by the name used in scenario files
// (`eviction: lru` or `eviction: { policy: s3fifo, smallRatio: 0.1 }`). A new policy is one file under
// `eviction/` plus a line here.
import type { PluginChoice } from "../plugin/registry.ts";
import { Registry } from "../plugin/registry.ts";
import { lru } from "./eviction/lru.ts";
import type { EvictionPolicy, PolicyContext } from "./eviction/policy.ts";
import { LocalCache, type LocalCacheFactory } from "./localCache.ts";

export const evictionPolicies = new Registry("eviction policy", [lru], "policy");

export function evictionPolicyNames(): string[] {
  return evictionPolicies.names();
}

/** A factory for caches with the named policy, its options taken from `options` (defaults filled in). */
export function evictionPolicy(name: string, options: unknown = {}): LocalCacheFactory {
  const plugin = evictionPolicies.get(name);
  const parsed = plugin.options.parse(options);
  return (cacheOptions) =>
    new LocalCache(
      cacheOptions,
      (context: PolicyContext): EvictionPolicy => plugin.create(context, parsed as never),
    );
}

/** The same, from a loaded plugin choice. */
export function evictionPolicyFor(choice: PluginChoice): LocalCacheFactory {
  return evictionPolicy(choice.name, choice.options);
}
