// A workload drives nodes: it decides when each operation starts, on which node, for which key.
// Each kind is one file, chosen by the shape of the scenario's workload entry.
import type { RngStreams } from "../core/rng.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { Oracle } from "../model/oracle.ts";
import type { SimNode } from "../model/world.ts";
import type { Strategy } from "../strategies/strategy.ts";

export interface WorkloadContext {
  scheduler: Scheduler;
  strategy: Strategy;
  nodesByName: ReadonlyMap<string, SimNode>;
  rng: RngStreams;
  /** Resolves key names to the interned keys strategies take. */
  oracle: Oracle;
  /** Names this workload's random streams, so that workloads never share one. */
  streamPrefix: string;
}

export interface Workload {
  /** Schedules the first operation; each operation schedules the next, so the queue stays small. */
  start(ctx: WorkloadContext): void;
}
