// A node of the system: its local cache and its links to the shards, the database and the broker. Its
// own file, below world.ts, so that an Operation (which names its node) does not import the world, whose
// tiers take Operations.
import type { Link } from "./link.ts";
import type { LocalCache } from "./localCache.ts";

export interface SimNode {
  index: number;
  name: string;
  /** null when the node keeps no local cache (capacity 0). */
  cache: LocalCache | null;
  /** The node's link to each global-cache shard, by shard index (they share one latency stream). */
  cacheLinks: readonly Link[];
  /** The node's link to the system of record. */
  databaseLink: Link;
  /** The node's link to the message broker (the global cache's pub/sub). */
  brokerLink: Link;
  /** The broker's delivery link to this node, when invalidations are broadcast (near: broadcast). */
  invalidationLink: Link | null;
  /**
   * Bumped when the node crashes: an operation begun in an earlier epoch belongs to a node that has
   * since lost its memory, and is dropped wherever it next turns up.
   */
  epoch: number;
  /** False while the node is crashed: it starts nothing. */
  up: boolean;
}
