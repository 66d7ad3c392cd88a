// Everything a strategy works with during a run: the clock, the nodes and their links, the tiers (the
// global cache and the database, which owns the truth), named random streams, and the recorder that
// classifies each finished operation.
import type { RngStreams } from "../core/rng.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { Recorder } from "../metrics/recorder.ts";
import type { Database } from "./database.ts";
import type { GlobalCache } from "./globalCache.ts";
import type { LatencySampler } from "./latency.ts";
import type { LocalCache } from "./localCache.ts";
import type { Tally } from "./tally.ts";

export interface SimNode {
  index: number;
  name: string;
  /** null when the node keeps no local cache (capacity 0). */
  cache: LocalCache | null;
  /** One-way delay to the global cache tier. */
  cacheHopUs: LatencySampler;
  /** One-way delay to the system of record. */
  dbHopUs: LatencySampler;
}

export interface World {
  scheduler: Scheduler;
  nodes: readonly SimNode[];
  globalCache: GlobalCache;
  database: Database;
  recorder: Recorder;
  tally: Tally;
  /** Named random streams, for parts that draw (message loss, delivery latency, jitter). */
  rng: RngStreams;
  /** Numbers operations in the order they start, for tie-breaking in the trace. */
  nextOpId(): number;
}
