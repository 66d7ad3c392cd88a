// LFU-DA, LFU with dynamic aging (libCacheSim `LFUDA.c`; Arlitt et al., "Evaluating content management
// techniques for Web proxy caches", 2000): each entry has a priority; the cache keeps an age L, the
// priority of the last victim (0 at first). A new entry starts at L + 1; a hit adds L to the entry's
// priority (so before the first eviction hits change no priority: they only move the entry to the back
// of its priority's queue). The victim is the oldest entry of the lowest priority, found as the
// reference does: L itself names the lowest queue (the queue of priority 1 while L ≤ 1), and after a
// victim the next lowest non-empty queue up to the highest priority a hit has reached.
// This follows the reference exactly rather than the paper's K = F + L (a count F that grows by one),
// so that miss counts agree with libCacheSim's.
import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class LfuDaPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  /** One FIFO per priority: head = reached the priority last, tail = first. Empty queues are dropped. */
  private readonly byPriority = new Map<number, NodeList>();
  /** L: the priority of the last victim, and the queue eviction looks at first. */
  age = 0;
  private maxPriority = 0;

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.freq = this.age + 1;
    this.queue(node.freq).prepend(node);
  }

  onHit(node: CacheNode): void {
    const from = node.freq;
    node.freq += this.age;
    if (node.freq > this.maxPriority) this.maxPriority = node.freq;
    this.leave(node, from);
    this.queue(node.freq).prepend(node);
  }

  onRemove(node: CacheNode): void {
    this.leave(node, node.freq);
  }

  evict(): void {
    let priority = Math.max(1, this.age);
    let list = this.byPriority.get(priority);
    if (list === undefined) {
      // The reference would fail here (its lowest queue is empty); take the lowest non-empty one.
      priority = Math.min(...this.byPriority.keys());
      list = this.byPriority.get(priority) as NodeList;
    }
    const victim = list.tail as CacheNode;
    this.age = priority;
    list.remove(victim);
    if (list.length === 0) {
      this.byPriority.delete(priority);
      this.raiseAge();
    }
    this.host.evict(victim);
  }

  clear(): void {
    this.byPriority.clear();
    this.age = 0;
    this.maxPriority = 0;
  }

  private queue(priority: number): NodeList {
    let list = this.byPriority.get(priority);
    if (list === undefined) {
      list = new NodeList();
      this.byPriority.set(priority, list);
    }
    return list;
  }

  private leave(node: CacheNode, priority: number): void {
    const list = this.byPriority.get(priority) as NodeList;
    list.remove(node);
    if (list.length > 0) return;
    this.byPriority.delete(priority);
    if (priority === this.age) this.raiseAge();
  }

  /** L moves to the next priority above it that has entries, up to the highest a hit reached. */
  private raiseAge(): void {
    let next = Number.POSITIVE_INFINITY;
    if (this.maxPriority - this.age <= this.byPriority.size) {
      for (let p = this.age + 1; p <= this.maxPriority; p++)
        if (this.byPriority.has(p)) {
          next = p;
          break;
        }
    } else
      for (const p of this.byPriority.keys()) if (p > this.age && p <= this.maxPriority && p < next) next = p;
    if (next !== Number.POSITIVE_INFINITY) this.age = next;
  }
}

export const lfuda: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "lfuda",
  summary: "LFU with dynamic aging: frequency priorities raised by the last victim's, so old counts fade",
  options: strict({}),
  create: ({ host }) => new LfuDaPolicy(host),
};
