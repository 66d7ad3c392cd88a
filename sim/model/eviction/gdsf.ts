// GDSF, Greedy-Dual-Size-Frequency (libCacheSim `cpp/GDSF.cpp`; Cherkasova, HPL-98-69, 1998): each entry
// has a priority L + count × 10^6 / size, where count is its accesses since insertion (1 on insertion)
// and L is the priority of the last entry evicted (0 at first), so entries not touched for a while age
// relative to new ones. The victim has the lowest priority; equal priorities go in the order of their
// last access. Size is what the entry takes of the capacity: bytes by bytes, 1 by entries (as the
// reference with --ignore-obj-size). The 10^6 scale is the reference's; it changes no order, only the numbers.
import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";
import { RankHeap } from "./rankHeap.ts";

const SCALE = 1.0e6;

/** What the entry takes of the capacity: its bytes by bytes, 1 by entries (0 bytes counts as 1). */
function sizeOf(node: CacheNode): number {
  return node.units > 0 ? node.units : 1;
}

export class GdsfPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly heap = new RankHeap();
  /** L: the priority of the last entry evicted. */
  inflation = 0;
  /** Counts accesses, to order equal priorities (kept in each node's `stamp`). */
  private clock = 0;

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.freq = 1;
    node.rank = this.inflation + SCALE / sizeOf(node);
    node.stamp = ++this.clock;
    this.heap.push(node);
  }

  onHit(node: CacheNode): void {
    node.freq++;
    node.rank = this.inflation + (node.freq * SCALE) / sizeOf(node);
    node.stamp = ++this.clock;
    this.heap.update(node);
  }

  onRemove(node: CacheNode): void {
    this.heap.remove(node);
  }

  evict(): void {
    const victim = this.heap.top() as CacheNode;
    this.heap.remove(victim);
    this.inflation = victim.rank;
    this.host.evict(victim);
  }

  clear(): void {
    this.heap.clear();
    this.inflation = 0;
  }
}

export const gdsf: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "gdsf",
  summary: "GDSF: evicts the lowest count/size priority, aged by the priority of the last victim",
  options: strict({}),
  create: ({ host }) => new GdsfPolicy(host),
};
