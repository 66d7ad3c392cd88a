// CLOCK, or FIFO with reinsertion (libCacheSim `Clock.c`): each entry has an n-bit reference counter,
// 0 on insertion and raised by one on a hit up to its maximum (2^n - 1). The victim search looks at
// the oldest entry: a counter above zero is lowered by one and the entry goes back to the head; the
// first entry found at zero is evicted.
import type { z } from "zod";
import { intIn, strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class ClockPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly queue = new NodeList();
  private readonly maxFreq: number;

  constructor(
    private readonly host: PolicyHost,
    counterBits: number,
  ) {
    this.maxFreq = 2 ** counterBits - 1;
  }

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    node.freq = 0;
    this.queue.prepend(node);
  }

  onHit(node: CacheNode): void {
    if (node.freq < this.maxFreq) node.freq++;
  }

  onRemove(node: CacheNode): void {
    this.queue.remove(node);
  }

  evict(): void {
    let victim = this.queue.tail as CacheNode;
    while (victim.freq >= 1) {
      victim.freq--;
      this.queue.moveToHead(victim);
      victim = this.queue.tail as CacheNode;
    }
    this.queue.remove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    this.queue.clear();
  }
}

const options = strict({
  counterBits: intIn(1, 8)
    .default(1)
    .describe("bits of each entry's reference counter (libCacheSim n-bit-counter)"),
});

export const clock: Plugin<z.infer<typeof options>, PolicyContext, EvictionPolicy> = {
  name: "clock",
  summary: "CLOCK (second chance): a FIFO that gives recently read entries another round",
  options,
  create: ({ host }, o) => new ClockPolicy(host, o.counterBits),
};
