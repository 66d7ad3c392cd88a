// What a fault kind is: a plugin (sim/plugin) whose options say what breaks and when, and whose factory
// returns the two actions the schedule runs at the fault's start and end. A fault acts on model objects
// only (links, nodes, shards); the tiers and strategy parts react through their own fault paths
// (timeouts, fallbacks, crash checks), so adding a fault kind is one file plus a registry line.

import type { World } from "../model/world.ts";
import type { Plugin } from "../plugin/registry.ts";
import type { FaultWindow } from "../spec/types.ts";
import type { FaultLog } from "./faultLog.ts";

export interface FaultContext {
  world: World;
  /** The run's fault log (a crash tells it, so parts that keep per-node state lose it). */
  log: FaultLog;
  /** Where the fault sits in the file (`faults.schedule[2]`), for errors. */
  path: string;
}

/** A fault ready to be scheduled. */
export interface Fault {
  /** What it acts on, in words for the faults report: `NodeB→cache`, `shard node_a`, ... */
  readonly target: string;
  start(): void;
  end(): void;
}

export type FaultKind<Options extends FaultWindow = FaultWindow> = Plugin<Options, FaultContext, Fault>;

/** A fault's target could not be found in the world (a shard or node name, a mode it needs). */
export class FaultTargetError extends Error {
  override name = "FaultTargetError";
}
