// A workload drives nodes: it decides when each operation starts, on which node, for which key. Each
// kind (script, generator, ycsb, trace) is one file and a line in kinds.ts; the scenario names it by the
// field that holds its options (`generator: {...}`).
import type { RngStreams } from "../core/rng.ts";
import type { Scheduler } from "../core/scheduler.ts";
import type { Key, Oracle } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";
import type { Plugin } from "../plugin/registry.ts";

/**
 * The operations a workload starts. `done`, when given, is called once when the operation has completed
 * or was abandoned; closed-loop arrivals and read-modify-write need it.
 */
export interface Operations {
  read(node: SimNode, key: Key, done?: () => void): void;
  write(node: SimNode, key: Key, value: string, done?: () => void): void;
  flush(node: SimNode): void;
}

export interface WorkloadContext {
  scheduler: Scheduler;
  strategy: Operations;
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

/** What a workload kind is made from: the nodes it drives and where the scenario file is. */
export interface WorkloadKindContext {
  nodes: readonly string[];
  /** Folder of the scenario file: relative paths in it (trace files) are taken from there. */
  baseDir: string;
}

/**
 * A workload kind. `options` parses the value of the kind's field; `requestsMax` says how many requests
 * it will make at most when that is known before the run (for the trace-size check), else undefined.
 */
export interface WorkloadKind<Options = unknown> extends Plugin<Options, WorkloadKindContext, Workload> {
  requestsMax(options: Options): number | undefined;
  /**
   * How many requests a run of `durationUs` will make as far as the scenario says (a request count, or
   * an open-loop rate over the duration, whichever is less), for the load-time check of
   * `limits.requests`; undefined when it cannot say (a closed loop, a trace file read to its end).
   */
  requestsExpected(options: Options, durationUs: number): number | undefined;
}
