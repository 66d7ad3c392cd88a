// ARC (libCacheSim `ARC.c`, Megiddo & Modha, FAST '03): T1 holds entries seen once recently, T2 entries
// seen at least twice; ghosts B1 and B2 remember keys evicted from each (they hold no value and do not
// count in the cache's size). The target size p of T1 (a real number, from 0 to the capacity) grows on
// a B1 ghost hit by max(|B2|/|B1|, 1) and shrinks on a B2 ghost hit by max(|B1|/|B2|, 1).
// - A hit in T1 moves the entry to T2's head; a hit in T2 moves it to T2's head.
// - A new key goes to T1's head, or to T2's head after a ghost hit.
// - REPLACE evicts T1's tail into B1 if T1 is non-empty and larger than p (or equal to p after a B2
//   hit), or if T2 is empty; otherwise T2's tail into B2.
// - On a ghost hit eviction is REPLACE. On a complete miss: if T1 + B1 would exceed the capacity, drop
//   B1's tail and REPLACE (or, with B1 empty, evict T1's tail without a ghost); otherwise, if all four
//   lists hold twice the capacity, drop B2's tail, then REPLACE.
// The ghosts are consulted when the key is inserted (libCacheSim: when the miss is looked up, just before).

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { GhostQueue } from "./ghostQueue.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

const T1 = 1;
const T2 = 2;

export class ArcPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly t1 = new NodeList();
  readonly t2 = new NodeList();
  readonly b1 = new GhostQueue();
  readonly b2 = new GhostQueue();
  /** Target size of T1. */
  p = 0;
  /** 0: the key being inserted was in no ghost; 1 or 2: it was in B1 or B2. */
  private ghostHit = 0;

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(node: CacheNode): void {
    const capacity = this.host.capacityUnits;
    this.ghostHit = 0;
    if (this.b1.has(node.key)) {
      this.ghostHit = 1;
      const delta = Math.max(this.b2.units / this.b1.units, 1);
      this.p = Math.min(this.p + delta, capacity);
      this.b1.remove(node.key);
    } else if (this.b2.has(node.key)) {
      this.ghostHit = 2;
      const delta = Math.max(this.b1.units / this.b2.units, 1);
      this.p = Math.max(this.p - delta, 0);
      this.b2.remove(node.key);
    }
  }

  onInsert(node: CacheNode): void {
    if (this.ghostHit !== 0) {
      node.segment = T2;
      this.t2.prepend(node);
      this.ghostHit = 0;
    } else {
      node.segment = T1;
      this.t1.prepend(node);
    }
  }

  onHit(node: CacheNode): void {
    if (node.segment === T1) {
      this.t1.remove(node);
      node.segment = T2;
      this.t2.prepend(node);
    } else this.t2.moveToHead(node);
  }

  onRemove(node: CacheNode): void {
    (node.segment === T1 ? this.t1 : this.t2).remove(node);
  }

  evict(incoming: CacheNode): void {
    if (this.ghostHit !== 0) {
      this.replace();
      return;
    }
    const capacity = this.host.capacityUnits;
    if (this.t1.units + this.b1.units + incoming.units > capacity) {
      if (this.b1.units > 0) {
        this.b1.dropOldest();
        this.replace();
      } else {
        const victim = this.t1.tail as CacheNode;
        this.t1.remove(victim);
        this.host.evict(victim);
      }
      return;
    }
    if (this.t1.units + this.b1.units + this.t2.units + this.b2.units >= 2 * capacity && this.b2.units > 0)
      this.b2.dropOldest();
    this.replace();
  }

  clear(): void {
    this.t1.clear();
    this.t2.clear();
    this.b1.clear();
    this.b2.clear();
    this.p = 0;
    this.ghostHit = 0;
  }

  private replace(): void {
    const t1 = this.t1.units;
    if ((t1 > 0 && (t1 > this.p || (t1 === this.p && this.ghostHit === 2))) || this.t2.units === 0) {
      const victim = this.t1.tail as CacheNode;
      this.t1.remove(victim);
      this.b1.push(victim.key, victim.units);
      this.host.evict(victim);
    } else {
      const victim = this.t2.tail as CacheNode;
      this.t2.remove(victim);
      this.b2.push(victim.key, victim.units);
      this.host.evict(victim);
    }
  }
}

export const arc: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "arc",
  summary: "ARC: balances a recency list and a frequency list by learning from two ghost lists",
  options: strict({}),
  create: ({ host }) => new ArcPolicy(host),
};
