// Registry of local-cache eviction policies, keyed by the name used in scenario files
// (`eviction: lru` or `eviction: { policy: s3fifo, smallRatio: 0.1 }`). A new policy is one file under
// `eviction/` plus a line here.
import { Registry } from "../plugin/registry.ts";
import { arc } from "./eviction/arc.ts";
import { belady } from "./eviction/belady.ts";
import { clock } from "./eviction/clock.ts";
import { fifo } from "./eviction/fifo.ts";
import { gdsf } from "./eviction/gdsf.ts";
import { lfu } from "./eviction/lfu.ts";
import { lfuda } from "./eviction/lfuda.ts";
import { lirs } from "./eviction/lirs.ts";
import { lru } from "./eviction/lru.ts";
import { mru } from "./eviction/mru.ts";
import type { EvictionPolicy, PolicyContext } from "./eviction/policy.ts";
import { qdlp } from "./eviction/qdlp.ts";
import { random } from "./eviction/random.ts";
import { s3fifo } from "./eviction/s3fifo.ts";
import { sieve } from "./eviction/sieve.ts";
import { slru } from "./eviction/slru.ts";
import { twoq } from "./eviction/twoq.ts";
import { wtinylfu } from "./eviction/wtinylfu.ts";
import { wtinylfuLibcachesim } from "./eviction/wtinylfuLibcachesim.ts";
import { LocalCache, type LocalCacheFactory } from "./localCache.ts";

export const evictionPolicies = new Registry(
  "eviction policy",
  [
    lru,
    fifo,
    clock,
    lfu,
    sieve,
    s3fifo,
    arc,
    slru,
    wtinylfu,
    wtinylfuLibcachesim,
    belady,
    twoq,
    mru,
    gdsf,
    lfuda,
    qdlp,
    random,
    lirs,
  ],
  "policy",
);

/** Policies that need next-access information, which only a replay that knows the future can give. */
const CLAIRVOYANT = new Set(["belady"]);

/** The policies a simulation can use (Belady needs the future, so only `cachesim mrc` offers it). */
export function evictionPolicyNames(): string[] {
  return evictionPolicies.names().filter((name) => !CLAIRVOYANT.has(name));
}

/** The same registry without the clairvoyant policies: what a scenario's `cache.eviction` may name. */
export const scenarioEvictionPolicies = new Registry(
  evictionPolicies.kind,
  evictionPolicies.all().filter((p) => !CLAIRVOYANT.has(p.name)),
  evictionPolicies.selector,
);

/**
 * Why the policy cannot work with these options at this capacity (a sentence), or null. Capacity in the
 * policy's units: bytes when bounded by bytes, else entries.
 */
export function checkEvictionChoice(
  name: string,
  options: unknown,
  capacity: number,
  capacityBytes: number,
): string | null {
  const plugin = evictionPolicies.get(name) as { check?: (units: number, options: unknown) => string | null };
  if (plugin.check === undefined) return null;
  const parsed = evictionPolicies.get(name).options.safeParse(options);
  if (!parsed.success) return null; // the schema reports bad options itself
  return plugin.check(capacityBytes > 0 ? capacityBytes : capacity, parsed.data);
}

export function isClairvoyant(name: string): boolean {
  return CLAIRVOYANT.has(name);
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
