// Everything a strategy works with during a run: the clock, the nodes and their links, the tiers (the
// global cache and the database, which owns the truth), named random streams, and the recorder that
// classifies each finished operation.

import type { RngStreams } from "../core/rng.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { ServedFrom } from "../spec/types.ts";
import type { Database } from "./database.ts";
import type { GlobalCache } from "./globalCache.ts";
import type { MessageTap } from "./messageTap.ts";
import type { Operation } from "./operation.ts";
import type { SimNode } from "./simNode.ts";
import type { Tally } from "./tally.ts";

/**
 * Where completed operations are reported (the run's Recorder in sim/metrics implements it). Declared
 * here so the model and the strategy parts depend on these four calls, not on the metrics layer.
 */
export interface OperationSink {
  read(op: Operation, nowUs: number, servedFrom: ServedFrom): void;
  write(op: Operation, nowUs: number): void;
  flush(nodeIndex: number, opId: number, nowUs: number): void;
  /** A global-cache entry expired under a read on this node. */
  globalExpiration(nodeIndex: number): void;
}

export interface World {
  scheduler: Scheduler;
  nodes: readonly SimNode[];
  globalCache: GlobalCache;
  database: Database;
  recorder: OperationSink;
  tally: Tally;
  /** Named random streams, for parts that draw (message loss, delivery latency, jitter). */
  rng: RngStreams;
  /** Numbers operations in the order they start, for tie-breaking in the trace. */
  nextOpId(): number;
  /** The run's faults (sim/faults), or null in a run without any: every fault check is then skipped. */
  faults: WorldFaults | null;
  /** Told of the messages parts send themselves (broadcast invalidations) when the run is drawn. */
  messages?: MessageTap | null;
}

/** What strategy parts see of a run's faults. */
export interface WorldFaults {
  /** How long a node waits for an answer before it gives up on a request. */
  readonly timeoutUs: number;
  /** What a read does when the global cache does not answer: read the database, or fail. */
  readonly readFallback: "database" | "fail";
  /** When the database does not answer a read that found an expired global entry, serve that entry. */
  readonly staleIfError: boolean;
  /** Parts that keep per-node state (write-behind's queue) register to lose it when a node crashes. */
  onCrash(listener: (node: SimNode) => void): void;
  /** A read finished; the fault log counts stale reads in each fault's window. */
  readFinished(op: Operation, nowUs: number): void;
  /** An operation of a node that crashed is dropped: counted, and whoever waits for it is told. */
  dropped(op: Operation): void;
  /** An operation could not complete; it is counted, and whoever waits for it is told. */
  failed(op: Operation, what: "read" | "write"): void;
  /** An operation was started on a node that is down: refused, and `done` is told after the timeout. */
  refuse(node: SimNode, done: (() => void) | undefined): void;
  /** Counts something that happened because of a fault (writes lost in a crash, stale fallbacks, ...). */
  count(nodeIndex: number, what: FaultCount, n?: number): void;
}

export type FaultCount = "writesLost" | "staleIfError" | "cacheUpdatesLost" | "refused";
