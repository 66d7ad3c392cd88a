// The resolved scenario: what the loader hands to the runner after parsing, validation and defaults.
// Every duration is an integer number of microseconds; every field is filled (no optionals that the
// runner must default): the loader applies them (sim/spec/defaults.ts for the frame, each section's own
// file for its fields).

/**
 * A latency model after loading: the model's name (sim/model/latency/registry.ts) and its options as its
 * schema gives them, durations in µs: `{ dist: "constant", valueUs: 500 }`,
 * `{ dist: "uniform", minUs: 1000, maxUs: 2000 }`. Options are plain data, so a scenario still clones
 * and crosses to a worker thread as it is: numbers, text, lists of numbers (an empirical table read
 * at load time) and lists of other models (a mixture's components).
 */
export type LatencyModel = { readonly dist: string } & LatencyOptions;

/** A model's resolved options, by name. */
export type LatencyOptions = { readonly [option: string]: LatencyOption };

export type LatencyOption = number | string | readonly number[] | readonly LatencyModel[];

/** One-way latency of the two kinds of link a node has. */
export interface NetworkSpec {
  cache: LatencyModel;
  database: LatencyModel;
}

export interface LocalCacheSpec {
  /** Entries; 0 means not bounded by entries (and, with capacityBytes 0 too, no local cache). */
  capacity: number;
  /** Sum of the entries' sizes in bytes; 0 means not bounded by bytes. */
  capacityBytes: number;
  /** Time to live from the moment the entry was filled; 0 means entries never expire. */
  ttlUs: number;
  eviction: string;
  /** The policy's own options, as written (the policy's schema fills in its defaults). */
  evictionOptions: Record<string, unknown>;
}

export type ScriptOp =
  | { atUs: number; op: "read"; key: string }
  | { atUs: number; op: "write"; key: string; value: string }
  | { atUs: number; op: "flush" };

export interface ScriptWorkloadSpec {
  kind: "script";
  nodes: string[];
  ops: ScriptOp[];
}

/**
 * Any other workload kind (generator, ycsb, trace, ...): its name, the nodes it drives and its options
 * as its own schema resolved them (sim/workloads/kinds.ts).
 */
export interface PluginWorkloadSpec {
  kind: string;
  nodes: string[];
  options: unknown;
}

export type WorkloadSpec = ScriptWorkloadSpec | PluginWorkloadSpec;

export function isScript(spec: WorkloadSpec): spec is ScriptWorkloadSpec {
  return spec.kind === "script";
}

export interface NodeSpec {
  name: string;
  cache: LocalCacheSpec;
  network: NetworkSpec;
}

export interface ShardSpec {
  /** Name of the virtual cache node; also its Redis key prefix. */
  name: string;
  /** TTL of entries filled into this shard; 0 means they never expire. */
  ttlUs: number;
  /** Entry bound; 0 = not bounded by entries. */
  capacity: number;
  /** Byte bound (the sum of the values' sizes, Redis maxmemory); 0 = not bounded by bytes. */
  capacityBytes: number;
}

export interface GlobalCacheSpec {
  shards: ShardSpec[];
  /** Points each shard places on the consistent-hash ring. */
  ringPoints: number;
  /** What a bounded shard evicts: a maxmemory policy (sim/model/eviction/maxmemoryPolicies.ts). */
  eviction: string;
  evictionOptions: Record<string, unknown>;
}

export type Expectation =
  | {
      kind: "read";
      /** Where the expectation sits in the file, for messages: e.g. `expect[0]`. */
      path: string;
      node: string;
      atUs: number;
      key: string | null;
      value: string | null | undefined;
      stale: boolean | undefined;
      servedFrom: ServedFrom | undefined;
    }
  | {
      kind: "metric";
      path: string;
      /** A summary.csv column, e.g. `stale_rate`. */
      metric: string;
      /** A node name or `total`. */
      node: string;
      min: number | undefined;
      max: number | undefined;
      equals: number | undefined;
    };

/**
 * The scenario's frame: the fields every scenario has, which the optional sections (sim/sections/) are
 * checked against. The whole resolved scenario is the frame and the sections' specs (`Scenario` in
 * sim/sections/registry.ts).
 */
export interface ScenarioFrame {
  /** The file it came from, as the user named it. */
  file: string;
  /** Short name, from the `name` field or the file name; names the report folder. */
  name: string;
  description: string;
  seed: number;
  durationUs: number;
  /** The strategy's four parts with their options (a preset is expanded into its parts). */
  strategy: StrategyChoice;
  nodes: NodeSpec[];
  globalCache: GlobalCacheSpec;
  /** Initial contents of the system of record, in insertion order. */
  data: {
    values: Array<[string, string]>;
    fill: { prefix: string; count: number; value: string } | null;
  };
  workloads: WorkloadSpec[];
  expectations: Expectation[];
}

/** Where a read was answered from. */
export const SERVED_FROM = ["local", "global", "database"] as const;
export type ServedFrom = (typeof SERVED_FROM)[number];

/** A strategy after loading: each slot's part and its options with every default filled in. */
export interface StrategyChoice {
  /** The preset's name, or "custom" for a composed mapping; for messages and the console. */
  name: string;
  read: { name: string; options: unknown };
  write: { name: string; options: unknown };
  near: { name: string; options: unknown };
  fill: { name: string; options: unknown };
}

/** Every fault's timing: it starts at `atUs` and ends `forUs` later (null: it lasts to the run's end). */
export interface FaultWindow {
  atUs: number;
  forUs: number | null;
}

/** A fault after loading: its kind and its options (window included), every default filled in. */
export interface FaultChoice {
  kind: string;
  options: FaultWindow;
}

/** The `faults:` section after loading (sim/sections/faults.ts); here because sim/faults/ takes it. */
export interface FaultsSpec {
  timeoutUs: number;
  readFallback: "database" | "fail";
  staleIfError: boolean;
  schedule: FaultChoice[];
}
