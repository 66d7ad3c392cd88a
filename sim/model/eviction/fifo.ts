// FIFO (libCacheSim `FIFO.c`): entries leave in the order they came; a hit changes nothing.

import { strict } from "../../plugin/options.ts";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class FifoPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly queue = new NodeList();

  constructor(private readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    this.queue.prepend(node);
  }

  onHit(): void {}

  onRemove(node: CacheNode): void {
    this.queue.remove(node);
  }

  evict(): void {
    const victim = this.queue.tail as CacheNode;
    this.queue.remove(victim);
    this.host.evict(victim);
  }

  clear(): void {
    this.queue.clear();
  }
}

export const fifo: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "fifo",
  summary: "first in, first out: evicts the entry filled longest ago, whatever its reads",
  options: strict({}),
  create: ({ host }) => new FifoPolicy(host),
};
