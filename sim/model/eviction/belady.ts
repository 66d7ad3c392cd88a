// Belady's MIN / OPT (libCacheSim `Belady.c`): evicts the entry whose next request lies furthest in the
// future (never requested again = furthest of all). It needs to know the future: the cache must be given
// a `NextAccessOracle` that tells, for the request being served, when the same key is requested next.
// `cachesim mrc` computes it with a backward pre-pass over the key stream; a simulation with timed,
// interleaved operations has no such oracle, so the policy refuses to run there.
// Tie-break (only entries never requested again can tie): the one accessed least recently goes first.

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import type { CacheNode, EvictionPolicy, NextAccessOracle, PolicyContext, PolicyHost } from "./policy.ts";

/** A binary max-heap on (next access, then older last access first); a node's position is `slot`. */
class FurthestFirst {
  private readonly nodes: CacheNode[] = [];

  get length(): number {
    return this.nodes.length;
  }

  top(): CacheNode | undefined {
    return this.nodes[0];
  }

  push(node: CacheNode): void {
    node.slot = this.nodes.length;
    this.nodes.push(node);
    this.up(node.slot);
  }

  remove(node: CacheNode): void {
    const at = node.slot;
    const last = this.nodes.pop() as CacheNode;
    node.slot = -1;
    if (last === node) return;
    this.nodes[at] = last;
    last.slot = at;
    this.down(this.up(at));
  }

  update(node: CacheNode): void {
    this.down(this.up(node.slot));
  }

  clear(): void {
    for (const n of this.nodes) n.slot = -1;
    this.nodes.length = 0;
  }

  private before(a: CacheNode, b: CacheNode): boolean {
    return a.rank > b.rank || (a.rank === b.rank && a.freq < b.freq);
  }

  private up(at: number): number {
    const nodes = this.nodes;
    const node = nodes[at] as CacheNode;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = nodes[parentAt] as CacheNode;
      if (!this.before(node, parent)) break;
      nodes[at] = parent;
      parent.slot = at;
      at = parentAt;
    }
    nodes[at] = node;
    node.slot = at;
    return at;
  }

  private down(at: number): void {
    const nodes = this.nodes;
    const node = nodes[at] as CacheNode;
    const n = nodes.length;
    for (;;) {
      let best = at;
      let bestNode = node;
      const left = 2 * at + 1;
      if (left < n && this.before(nodes[left] as CacheNode, bestNode)) {
        best = left;
        bestNode = nodes[left] as CacheNode;
      }
      const right = left + 1;
      if (right < n && this.before(nodes[right] as CacheNode, bestNode)) {
        best = right;
        bestNode = nodes[right] as CacheNode;
      }
      if (best === at) break;
      nodes[at] = bestNode;
      bestNode.slot = at;
      at = best;
    }
    nodes[at] = node;
    node.slot = at;
  }
}

export class BeladyPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  private readonly heap = new FurthestFirst();
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
