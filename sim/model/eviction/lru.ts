// LRU (libCacheSim `LRU.c`): a hit moves the entry to the head; new entries enter at the head; the
// victim is the tail, the least recently used.
import { z } from "zod";
import type { Plugin } from "../../plugin/registry.ts";
import { NodeList } from "./list.ts";
import type { CacheNode, EvictionPolicy, PolicyContext, PolicyHost } from "./policy.ts";

export class LruPolicy implements EvictionPolicy {
  readonly insertsFirst = false;
  readonly queue = new NodeList();

  constructor(protected readonly host: PolicyHost) {}

  canInsert(): boolean {
    return true;
  }

  beforeInsert(): void {}

  onInsert(node: CacheNode): void {
    this.queue.prepend(node);
  }

  onHit(node: CacheNode): void {
    this.queue.moveToHead(node);
  }

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

export const lru: Plugin<Record<string, never>, PolicyContext, EvictionPolicy> = {
  name: "lru",
  summary: "least recently used: evicts the entry read or filled longest ago",
  options: z.object({}).strict(),
  create: ({ host }) => new LruPolicy(host),
};
