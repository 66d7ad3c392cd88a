// LIRS, Low Inter-reference Recency Set (Jiang & Zhang, SIGMETRICS '02; libCacheSim `LIRS.c` for the
// parameters): entries are LIR (recently reused: most of the cache, lirs = capacity - hirs) or HIR
// (hirs = max(1, hirRatio × capacity), the resident ones in a FIFO Q). A recency stack S holds LIR
// entries, and HIR entries (resident or not) seen since the oldest LIR entry; its bottom is always LIR.
// - A hit on a LIR entry moves it to S's top (then S is pruned: HIR entries at its bottom leave it).
// - A hit on a resident HIR entry in S makes it LIR (out of Q); LIR entries over lirs are demoted from
//   S's bottom to Q's newest end. A resident HIR entry not in S goes to S's top and Q's newest end.
// - A miss on a key S remembers (a non-resident HIR) makes it LIR, demoting as above; any other new key
//   is LIR while the LIR set has room (warm-up), else a resident HIR at S's top and Q's newest end.
// - The victim is Q's oldest entry (it stays in S as non-resident); with Q empty, S's bottom LIR entry.
// - S remembers non-resident keys until it holds twice the capacity (libCacheSim's bound).
// An entry larger than hirs (or lirs) is not cached unless S remembers its key.
// libCacheSim's LIRS.c follows the same rules with bookkeeping of its own that can report a hit on an
// entry it has just pushed out of Q, so its counts differ (see test/eviction-reference.test.ts).
import type { z } from "zod";
import { numberIn, strict } from "../../plugin/options.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

const LIR = 0;
const HIR = 1;

interface StackEntry {
  units: number;
  /** The cached node, or null for a non-resident HIR key. */
  node: CacheNode | null;
}

export class LirsPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  /** The recency stack: a Map keeps insertion order, so its first key is S's bottom. */
  readonly stack = new Map<string, StackEntry>();
  /** Resident HIR entries: head newest, tail oldest. */
  readonly q = new NodeList();
  /** Non-resident keys in S, oldest first, for the bound on S. */
  private readonly nonResident = new Map<string, number>();
  private readonly lirLimit: number;
  private readonly hirLimit: number;
  private lirUnits = 0;
  private stackUnits = 0;

  constructor(
    private readonly host: PolicyHost,
    hirRatio: number,
  ) {
    const capacity = host.capacityUnits;
    this.hirLimit = Math.max(1, Math.floor(capacity * hirRatio));
    this.lirLimit = capacity - this.hirLimit;
  }

  canInsert(node: CacheNode): boolean {
    return (node.units <= this.hirLimit && node.units <= this.lirLimit) || this.stack.has(node.key);
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    const remembered = this.stack.get(node.key);
    if (remembered !== undefined) {
      this.forget(node.key);
      this.pushTop(node);
      this.makeLir(node);
    } else if (this.lirUnits + node.units <= this.lirLimit) {
      this.pushTop(node);
      node.segment = LIR;
      this.lirUnits += node.units;
    } else {
      this.pushTop(node);
      node.segment = HIR;
      this.q.prepend(node);
    }
    this.bound();
  }

  onHit(node: CacheNode): void {
    if (node.segment === LIR) {
      this.toTop(node);
      this.prune();
      return;
    }
    if (this.stack.has(node.key)) {
      this.toTop(node);
      this.q.remove(node);
      this.makeLir(node);
    } else {
      this.pushTop(node);
      this.q.moveToHead(node);
      this.bound();
    }
  }

  onRemove(node: CacheNode): void {
    if (node.segment === HIR) this.q.remove(node);
    else this.lirUnits -= node.units;
    if (this.stack.has(node.key)) this.forget(node.key);
    this.prune();
  }

  evict(): void {
    const oldest = this.q.tail;
    if (oldest !== null) {
      this.q.remove(oldest);
      const entry = this.stack.get(oldest.key);
      if (entry !== undefined) {
        entry.node = null;
        this.nonResident.set(oldest.key, oldest.units);
      }
      this.host.evict(oldest);
      this.bound();
      return;
    }
    // Q is empty: the bottom LIR entry goes (it would have been demoted to Q first).
    const bottom = this.bottom() as StackEntry;
    const victim = bottom.node as CacheNode;
    this.forget(victim.key);
    this.lirUnits -= victim.units;
    this.prune();
    this.host.evict(victim);
  }

  clear(): void {
    this.stack.clear();
    this.q.clear();
    this.nonResident.clear();
    this.lirUnits = 0;
    this.stackUnits = 0;
  }

  private bottom(): StackEntry | undefined {
    return this.stack.values().next().value;
  }

  private pushTop(node: CacheNode): void {
    this.stack.set(node.key, { units: node.units, node });
    this.stackUnits += node.units;
  }

  private toTop(node: CacheNode): void {
    const entry = this.stack.get(node.key) as StackEntry;
    this.stack.delete(node.key);
    this.stack.set(node.key, entry);
  }

  private forget(key: string): void {
    const entry = this.stack.get(key) as StackEntry;
    this.stack.delete(key);
    this.stackUnits -= entry.units;
    this.nonResident.delete(key);
  }

  /** The node (at S's top) becomes LIR; LIR entries over the limit move from S's bottom to Q. */
  private makeLir(node: CacheNode): void {
    node.segment = LIR;
    this.lirUnits += node.units;
    while (this.lirUnits > this.lirLimit) {
      this.prune();
      const bottom = this.bottom() as StackEntry;
      const demoted = bottom.node as CacheNode;
      if (demoted === node) break;
      this.forget(demoted.key);
      this.lirUnits -= demoted.units;
      demoted.segment = HIR;
      this.q.prepend(demoted);
      this.prune();
    }
    this.prune();
  }

  /** HIR entries at S's bottom leave S, so that its bottom is LIR. */
  private prune(): void {
    for (let bottom = this.bottom(); bottom !== undefined; bottom = this.bottom()) {
      if (bottom.node !== null && bottom.node.segment === LIR) return;
      const key = this.stack.keys().next().value as string;
      this.forget(key);
    }
  }

  /** S forgets its oldest non-resident keys while it holds more than twice the capacity. */
  private bound(): void {
    while (this.stackUnits > 2 * this.host.capacityUnits && this.nonResident.size > 0) {
      const key = this.nonResident.keys().next().value as string;
      this.forget(key);
    }
  }
}

const options = strict({
  hirRatio: numberIn(0, 1, { minExclusive: true })
    .default(0.01)
    .describe(
      "share of the capacity for resident HIR entries, at least 1 (the paper's 1 %; libCacheSim hirs_ratio)",
    ),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  const hirs = Math.max(1, Math.floor(capacityUnits * o.hirRatio));
  return capacityUnits - hirs >= 1
    ? null
    : `lirs needs room for a LIR entry besides its ${hirs} HIR units (capacity ${capacityUnits}): raise the capacity or lower hirRatio`;
}

export const lirs: EvictionPlugin<z.infer<typeof options>> = {
  name: "lirs",
  summary: "LIRS: keeps entries reused at short distances (LIR) and lets a small HIR queue take the rest",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new LirsPolicy(host, o.hirRatio);
  },
};
