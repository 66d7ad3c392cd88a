// Registry of local-cache eviction policies, keyed by the name used in scenario files.
import type { LocalCacheFactory } from "./localCache.ts";
import { LruCache } from "./lruCache.ts";

const policies = new Map<string, LocalCacheFactory>([["lru", (options) => new LruCache(options)]]);

export function evictionPolicyNames(): string[] {
  return [...policies.keys()];
}

export function evictionPolicy(name: string): LocalCacheFactory {
  const factory = policies.get(name);
  if (factory === undefined) {
    throw new Error(`unknown eviction policy "${name}" (known: ${evictionPolicyNames().join(", ")})`);
  }
  return factory;
}
