// Random (libCacheSim `Random.c`): the victim is an entry drawn uniformly from those cached. The draw
// comes from the seeded stream the cache is given (a simulation's `cache:<node>:eviction`, a replay's
// own: see `replay.ts`), never Math.random, so a run is the same for the same seed. libCacheSim draws a
// random bucket of its hash table instead, so the two agree only in distribution.

import type { Rng } from "../../core/rng.ts";
import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class RandomPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  /** Every cached node; a node's index is its `slot`, so removal swaps the last node into its place. */
  private readonly nodes: CacheNode[] = [];

  constructor(
    private readonly host: PolicyHost,
    private readonly rng: Rng,
  ) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.slot = this.nodes.length;
    this.nodes.push(node);
  }

  onHit(): void {}

  onRemove(node: CacheNode): void {
    const last = this.nodes.pop() as CacheNode;
    if (last !== node) {
      this.nodes[node.slot] = last;
      last.slot = node.slot;
    }
    node.slot = -1;
  }

  evict(): void {
    const victim = this.nodes[Math.floor(this.rng.next() * this.nodes.length)] as CacheNode;
    this.onRemove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    this.nodes.length = 0;
  }
}

export const random: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "random",
  summary: "random: evicts an entry drawn uniformly, from the cache's own seeded stream",
  options: strict({}),
  create: ({ host, rng }) => {
    if (rng === undefined) throw new Error("random eviction needs a seeded random stream");
    return new RandomPolicy(host, rng);
  },
};
