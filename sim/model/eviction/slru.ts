// Segmented LRU (libCacheSim `SLRU.c`): `segments` LRU lists of capacity/segments each, segment 0 the
// lowest. A new entry goes to the lowest segment with room (segment 0 when none has). A hit in the top
// segment moves the entry to its head; a hit elsewhere promotes it to the head of the next segment up,
// and a segment over its size then demotes its tail to the head of the segment below, cascading; a
// demotion out of segment 0 is an eviction. The victim is the tail of the lowest non-empty segment.
// An entry larger than one segment is not cached.
import type { z } from "zod";
import { intIn, strict } from "../../plugin/options.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPlugin, EvictionPolicy, PolicyHost } from "./policy.ts";

export class SlruPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly segments: NodeList[];
  private readonly segmentUnits: number;

  constructor(
    private readonly host: PolicyHost,
    count: number,
  ) {
    this.segments = Array.from({ length: count }, () => new NodeList());
    this.segmentUnits = Math.floor(host.capacityUnits / count);
  }

  canInsert(node: CacheNode): boolean {
    return node.units <= this.segmentUnits;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    let level = this.segments.findIndex((s) => s.units + node.units <= this.segmentUnits);
    if (level < 0) level = 0;
    node.segment = level;
    (this.segments[level] as NodeList).prepend(node);
  }

  onHit(node: CacheNode): void {
    const top = this.segments.length - 1;
    if (node.segment === top) {
      (this.segments[top] as NodeList).moveToHead(node);
      return;
    }
    (this.segments[node.segment] as NodeList).remove(node);
    node.segment++;
    const up = this.segments[node.segment] as NodeList;
    up.prepend(node);
    while (up.units > this.segmentUnits) this.cool(node.segment);
  }

  onRemove(node: CacheNode): void {
    (this.segments[node.segment] as NodeList).remove(node);
  }

  evict(): void {
    const lowest = this.segments.find((s) => s.units > 0) as NodeList;
    const victim = lowest.tail as CacheNode;
    lowest.remove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    for (const s of this.segments) s.clear();
  }

  /** Moves segment `level`'s tail down one segment (out of the cache from segment 0). */
  private cool(level: number): void {
    if (level === 0) {
      this.evict();
      return;
    }
    const from = this.segments[level] as NodeList;
    const to = this.segments[level - 1] as NodeList;
    const node = from.tail as CacheNode;
    from.remove(node);
    node.segment = level - 1;
    to.prepend(node);
    while (to.units > this.segmentUnits) this.cool(level - 1);
  }
}

const options = strict({
  segments: intIn(2, 16)
    .default(4)
    .describe("number of LRU segments, each capacity/segments (libCacheSim n-seg)"),
});

function check(capacityUnits: number, o: z.infer<typeof options>): string | null {
  return Math.floor(capacityUnits / o.segments) >= 1
    ? null
    : `slru's ${o.segments} segments of a capacity of ${capacityUnits} would hold nothing each: lower segments or raise the capacity`;
}

export const slru: EvictionPlugin<z.infer<typeof options>> = {
  name: "slru",
  summary: "segmented LRU: entries climb one segment per hit and fall back one segment at a time",
  options,
  check,
  create: ({ host }, o) => {
    const problem = check(host.capacityUnits, o);
    if (problem !== null) throw new Error(problem);
    return new SlruPolicy(host, o.segments);
  },
};
