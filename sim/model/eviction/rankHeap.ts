// A binary heap of cache nodes in the order a policy gives (by default on (rank, then stamp): the lowest
// rank first, and among equal ranks the one stamped earliest). A node's position lives in its `slot`
// field, so it can be moved or removed in O(log n). GDSF ranks by priority and stamps with the time of
// its last access; Belady puts the furthest next access first.
import type { CacheNode } from "./policy.ts";

/** Lowest rank first; among equal ranks, the earliest stamp. */
export const lowestRankFirst = (a: CacheNode, b: CacheNode): boolean =>
  a.rank < b.rank || (a.rank === b.rank && a.stamp < b.stamp);

export class RankHeap {
  private readonly nodes: CacheNode[] = [];

  /** @param before whether node a belongs nearer the top than node b */
  constructor(private readonly before: (a: CacheNode, b: CacheNode) => boolean = lowestRankFirst) {}

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

  /** Restores the order after the node's rank or stamp changed. */
  update(node: CacheNode): void {
    this.down(this.up(node.slot));
  }

  clear(): void {
    for (const n of this.nodes) n.slot = -1;
    this.nodes.length = 0;
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
