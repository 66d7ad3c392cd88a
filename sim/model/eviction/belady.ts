// Belady's MIN / OPT (libCacheSim `Belady.c`): evicts the entry whose next request lies furthest in the
// future (never requested again = furthest of all). It needs to know the future: the cache must be given
// a `NextAccessOracle` that tells, for the request being served, when the same key is requested next.
// `cachesim mrc` computes it with a backward pre-pass over the key stream; a simulation with timed,
// interleaved operations has no such oracle, so the policy refuses to run there.
// Tie-break (only entries never requested again can tie): the one accessed least recently goes first.

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import type { CacheNode, EvictionPolicy, NextAccessOracle, PolicyContext, PolicyHost } from "./policy.ts";
import { RankHeap } from "./rankHeap.ts";

/** Furthest next access first; among equals (never requested again) the one accessed longest ago. */
const furthestFirst = (a: CacheNode, b: CacheNode): boolean =>
  a.rank > b.rank || (a.rank === b.rank && a.freq < b.freq);

export class BeladyPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  private readonly heap = new RankHeap(furthestFirst);
  /** Counts accesses, for the tie-break (kept in each node's `freq`). */
  private clock = 0;

  constructor(
    private readonly host: PolicyHost,
    private readonly oracle: NextAccessOracle,
  ) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.rank = this.oracle.nextAccess();
    node.freq = ++this.clock;
    this.heap.push(node);
  }

  onHit(node: CacheNode): void {
    node.rank = this.oracle.nextAccess();
    node.freq = ++this.clock;
    this.heap.update(node);
  }

  onRemove(node: CacheNode): void {
    this.heap.remove(node);
  }

  evict(): void {
    const victim = this.heap.top() as CacheNode;
    this.heap.remove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    this.heap.clear();
  }
}

export const belady: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "belady",
  summary: "Belady's OPT: evicts the entry needed furthest in the future (needs next-access information)",
  options: strict({}),
  create: ({ host, oracle }) => {
    if (oracle === undefined) {
      throw new Error(
        "belady needs next-access information, which only a replay that knows the future has (cachesim mrc)",
      );
    }
    return new BeladyPolicy(host, oracle);
  },
};
