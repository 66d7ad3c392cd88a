// Replays a stream of requests (key, size) against one cache, libCacheSim style: each request looks the
// key up and, on a miss, inserts it. No clock, no network: the miss count of a policy at a size. Used by
// `cachesim mrc` and by the eviction golden test.

import { type Rng, RngStreams } from "../../core/rng.ts";
import type { PluginChoice } from "../../plugin/registry.ts";
import { evictionPolicy, isClairvoyant } from "../evictionPolicies.ts";

export interface Request {
  key: string;
  /** Bytes; used when the cache is bounded by bytes, and for the byte miss ratio. */
  size: number;
}

export interface ReplayResult {
  requests: number;
  misses: number;
  bytes: number;
  missBytes: number;
  /** Entries pushed out to make room, and the sizes they were inserted with. */
  evictions: number;
  evictedBytes: number;
  /** Misses whose object was not cached: too large, or turned away by the policy (LocalCache's rule). */
  rejections: number;
}

export interface ReplayBound {
  /** Entries, or bytes when `byBytes`. */
  size: number;
  byBytes: boolean;
}

/**
 * The root seed of a replay's random streams. A policy that draws (random, wtinylfu's jitter) gets the
 * stream `replay:<policy>:<size>` of it unless the caller passes one, so a replay point gives the same
 * misses alone or among others, on any thread.
 */
export const REPLAY_SEED = 1;

/** Most requests a replay that needs next-access information keeps in memory (8 bytes each). */
export const ORACLE_REQUESTS_MAX = 50_000_000;

/**
 * For each request, the index of the next request for the same key (Infinity if none): Belady's
 * oracle, computed in one forward pass.
 */
export function nextAccessIndexes(requests: Iterable<Request>): Float64Array {
  const next: number[] = [];
  const last = new Map<string, number>();
  let i = 0;
  for (const { key } of requests) {
    if (i >= ORACLE_REQUESTS_MAX)
      throw new Error(`belady keeps one number per request: at most ${ORACLE_REQUESTS_MAX} requests`);
    const previous = last.get(key);
    if (previous !== undefined) next[previous] = i;
    last.set(key, i);
    next.push(Number.POSITIVE_INFINITY);
    i++;
  }
  return Float64Array.from(next);
}

export function replay(
  policy: PluginChoice,
  bound: ReplayBound,
  requests: Iterable<Request>,
  extras: { rng?: Rng; nextAccess?: Float64Array } = {},
): ReplayResult {
  let at = 0;
  const next = extras.nextAccess;
  if (isClairvoyant(policy.name) && next === undefined)
    throw new Error(`${policy.name} needs next-access information for the replay`);
  const cache = evictionPolicy(
    policy.name,
    policy.options,
  )({
    capacity: bound.byBytes ? 0 : bound.size,
    capacityBytes: bound.byBytes ? bound.size : 0,
    ttlUs: 0,
    rng: extras.rng ?? new RngStreams(REPLAY_SEED).stream(`replay:${policy.name}:${bound.size}`),
    ...(next ? { oracle: { nextAccess: () => next[at] as number } } : {}),
  });
  const result: ReplayResult = {
    requests: 0,
    misses: 0,
    bytes: 0,
    missBytes: 0,
    evictions: 0,
    evictedBytes: 0,
    rejections: 0,
  };
  for (const { key, size } of requests) {
    result.requests++;
    result.bytes += size;
    if (cache.get(key, at) === undefined) {
      result.misses++;
      result.missBytes += size;
      cache.set(key, null, 0, at, size);
    }
    at++;
  }
  result.evictions = cache.evictions;
  result.evictedBytes = cache.evictedBytes;
  result.rejections = cache.rejections;
  return result;
}
