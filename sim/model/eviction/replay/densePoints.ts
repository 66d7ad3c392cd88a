// Which miss-ratio curve points replay over dense requests, and their replays: LRU and FIFO (without
// options) by typed-array queues, LRU by bytes in one pass when its conditions hold, and Belady's
// next-access information from key numbers. Every other policy replays through LocalCache.
import type { PluginChoice } from "../../../plugin/registry.ts";
import type { ReplayResult } from "../replay.ts";
import type { DenseRequests } from "./denseRequests.ts";
import { byteStackApplies } from "./denseStackDistance.ts";
import { type QueuePolicy, queueReplay } from "./queueReplay.ts";

/** The policy's queue replay, or null when it has none (another policy, or options given). */
export function queuePolicyOf(policy: PluginChoice): QueuePolicy | null {
  if (Object.keys(policy.options as object).length > 0) return null;
  return policy.name === "lru" || policy.name === "fifo" ? policy.name : null;
}

/** Whether a dense stream helps this policy (so reading the stream into memory first pays). */
export function usesDenseRequests(policy: PluginChoice, clairvoyant: boolean): boolean {
  return clairvoyant || queuePolicyOf(policy) !== null;
}

/** Whether LRU's whole curve by bytes comes from one pass here (several sizes, and the pass exact). */
export function lruBytesInOnePass(
  policy: PluginChoice,
  requests: DenseRequests,
  capacities: readonly number[],
): boolean {
  // At one or two sizes, a replay a size is quicker than the tree's pass.
  return (
    policy.name === "lru" &&
    queuePolicyOf(policy) !== null &&
    capacities.length > 2 &&
    byteStackApplies(requests, capacities)
  );
}

/** One point over dense requests, or null when the policy has no such replay. */
export function densePoint(
  requests: DenseRequests,
  policy: PluginChoice,
  size: number,
  byBytes: boolean,
): ReplayResult | null {
  const queue = queuePolicyOf(policy);
  return queue === null ? null : queueReplay(queue, requests, size, byBytes);
}

/** For each request, the index of the next request for the same key (Infinity if none), as nextAccessIndexes gives. */
export function denseNextAccess(requests: DenseRequests): Float64Array {
  const { ids, count } = requests;
  const next = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const last = new Int32Array(requests.keyCount).fill(-1);
  for (let i = 0; i < count; i++) {
    const id = ids[i] as number;
    const previous = last[id] as number;
    if (previous !== -1) next[previous] = i;
    last[id] = i;
  }
  return next;
}
