// The report's metric columns, declared once: name, meaning and how to compute each from a node's
// counters. summary.csv, timeseries.csv, the console table, expectations and the README all come from
// this list.
import type { ExactHistogram } from "../core/exactHistogram.ts";
import type { MrcRow } from "../model/eviction/mrc.ts";
import { TALLY_COLUMNS } from "../model/tally.ts";
import type { OpCounters } from "./opCounters.ts";

/** What a column's numbers are in: a count of things, bytes, microseconds of virtual time, or a ratio. */
export type ColumnUnit = "count" | "bytes" | "us" | "ratio";

/**
 * How a column's cell comes about, which says how rows of it combine: a `count` adds up over nodes and
 * intervals; a `ratio`, `percentile` or `maximum` is computed afresh from the combined counts; a `level`
 * is a state at the end of the span or a peak within it (see each one's description).
 */
export type ColumnKind = "count" | "ratio" | "percentile" | "maximum" | "level";

/** Where every metric column appears: summary.csv, timeseries.csv, sweep.csv, compare, expectations, the HTML report and docs/reports.md. */
export interface MetricColumn<Name extends string = string> {
  name: Name;
  unit: ColumnUnit;
  kind: ColumnKind;
  description: string;
  /** A cell: integers as they are, ratios with six decimals, "" when there is nothing to measure. */
  value(c: OpCounters): string;
  /** Also shown in the console summary table (and first among the HTML report's charts). */
  inTable: boolean;
}

const count = (f: (c: OpCounters) => number) => (c: OpCounters) => String(f(c));

function ratio(numerator: number, denominator: number): string {
  return denominator === 0 ? "" : (numerator / denominator).toFixed(6);
}

function percentile(h: ExactHistogram, p: number): string {
  return h.count === 0 ? "" : String(h.percentile(p));
}

function maximum(h: ExactHistogram): string {
  return h.count === 0 ? "" : String(h.max);
}

/**
 * The strategy catalogue's and the faults' counts (sim/model/tally.ts), then write-behind's lag and
 * backlog, then the database as a resource (empty cells without one).
 */
const TALLY_METRICS = [
  ...TALLY_COLUMNS.map(
    (t, id): MetricColumn<(typeof TALLY_COLUMNS)[number]["column"]> => ({
      name: t.column,
      unit: "unit" in t ? t.unit : "count",
      kind: "count",
      description: t.description,
      value: (c) => String(c.tally[id]),
      inTable: false,
    }),
  ),
  {
    name: "writes_pending",
    unit: "count",
    kind: "level",
    description:
      "write-behind writes begun and not yet committed at the end of the span (a level: the `total` row sums the nodes)",
    value: count((c) => c.writesPending),
    inTable: false,
  },
  {
    name: "flush_lag_p50_us",
    unit: "us",
    kind: "percentile",
    description: "median write-behind flush lag: from the write reaching the cache to its commit",
    value: (c) => percentile(c.flushLagUs, 50),
    inTable: false,
  },
  {
    name: "flush_lag_p99_us",
    unit: "us",
    kind: "percentile",
    description: "99th percentile write-behind flush lag",
    value: (c) => percentile(c.flushLagUs, 99),
    inTable: false,
  },
  {
    name: "flush_lag_max_us",
    unit: "us",
    kind: "maximum",
    description: "largest write-behind flush lag",
    value: (c) => maximum(c.flushLagUs),
    inTable: false,
  },
  {
    name: "db_queue_wait_p50_us",
    unit: "us",
    kind: "percentile",
    description: "median wait of a database request for a connection (the database as a resource)",
    value: (c) => percentile(c.dbQueueWaitUs, 50),
    inTable: false,
  },
  {
    name: "db_queue_wait_p99_us",
    unit: "us",
    kind: "percentile",
    description: "99th percentile wait for a database connection",
    value: (c) => percentile(c.dbQueueWaitUs, 99),
    inTable: false,
  },
  {
    name: "db_queue_wait_max_us",
    unit: "us",
    kind: "maximum",
    description: "longest wait for a database connection",
    value: (c) => maximum(c.dbQueueWaitUs),
    inTable: false,
  },
  {
    name: "db_peak_in_use",
    unit: "count",
    kind: "level",
    description:
      "most database connections in use at once (a node's row: seen when one of its requests got one; `total`: the database's peak)",
    value: (c) => (c.dbQueueWaitUs.count === 0 ? "" : String(c.dbPeakInUse)),
    inTable: false,
  },
  {
    name: "db_requests_peak",
    unit: "count",
    kind: "level",
    description:
      "most `db_requests` in one report interval (`total`: all nodes' requests together; in `timeseries.csv` the interval's own)",
    value: count((c) => c.dbRequestsPeak),
    inTable: false,
  },
] as const satisfies readonly MetricColumn[];
/** Declared with its literal names, so MetricName below lists them; used as METRIC_COLUMNS. */
const COLUMNS = [
  {
    name: "reads",
    unit: "count",
    kind: "count",
    description: "reads completed",
    value: count((c) => c.reads),
    inTable: true,
  },
  {
    name: "writes",
    unit: "count",
    kind: "count",
    description: "writes completed",
    value: count((c) => c.writes),
    inTable: true,
  },
  {
    name: "local_hits",
    unit: "count",
    kind: "count",
    description: "reads served by the node's local cache",
    value: count((c) => c.localHits),
    inTable: true,
  },
  {
    name: "global_hits",
    unit: "count",
    kind: "count",
    description: "reads served by the global cache (Redis)",
    value: count((c) => c.globalHits),
    inTable: true,
  },
  {
    name: "db_reads",
    unit: "count",
    kind: "count",
    description: "reads served by the system of record (SQLite)",
    value: count((c) => c.dbReads),
    inTable: true,
  },
  {
    name: "hit_rate",
    unit: "ratio",
    kind: "ratio",
    description: "(local_hits + global_hits) / reads; empty when there were no reads",
    value: (c) => ratio(c.localHits + c.globalHits, c.reads),
    inTable: true,
  },
  {
    name: "byte_hit_rate",
    unit: "ratio",
    kind: "ratio",
    description:
      "bytes of the values served by a cache (local or global) / bytes of the values all reads returned (UTF-8 lengths); empty when no read returned a byte",
    value: (c) => ratio(c.hitBytes, c.readBytes),
    inTable: false,
  },
  {
    name: "stale_reads",
    unit: "count",
    kind: "count",
    description:
      "reads that returned a version already superseded in the system of record when the read began",
    value: count((c) => c.staleReads),
    inTable: true,
  },
  {
    name: "stale_rate",
    unit: "ratio",
    kind: "ratio",
    description: "stale_reads / reads",
    value: (c) => ratio(c.staleReads, c.reads),
    inTable: true,
  },
  {
    name: "staleness_age_p50_us",
    unit: "us",
    kind: "percentile",
    description: "median staleness age: how long before a stale read began its value had been superseded",
    value: (c) => percentile(c.stalenessAgeUs, 50),
    inTable: false,
  },
  {
    name: "staleness_age_p99_us",
    unit: "us",
    kind: "percentile",
    description: "99th percentile staleness age",
    value: (c) => percentile(c.stalenessAgeUs, 99),
    inTable: false,
  },
  {
    name: "staleness_age_max_us",
    unit: "us",
    kind: "maximum",
    description: "largest staleness age",
    value: (c) => maximum(c.stalenessAgeUs),
    inTable: true,
  },
  {
    name: "read_latency_p50_us",
    unit: "us",
    kind: "percentile",
    description: "median read latency, from the read's start to its answer",
    value: (c) => percentile(c.readLatencyUs, 50),
    inTable: true,
  },
  {
    name: "read_latency_p95_us",
    unit: "us",
    kind: "percentile",
    description: "95th percentile read latency",
    value: (c) => percentile(c.readLatencyUs, 95),
    inTable: false,
  },
  {
    name: "read_latency_p99_us",
    unit: "us",
    kind: "percentile",
    description: "99th percentile read latency",
    value: (c) => percentile(c.readLatencyUs, 99),
    inTable: true,
  },
  {
    name: "write_latency_p50_us",
    unit: "us",
    kind: "percentile",
    description: "median write latency, from the write's start to its acknowledgement",
    value: (c) => percentile(c.writeLatencyUs, 50),
    inTable: false,
  },
  {
    name: "write_latency_p99_us",
    unit: "us",
    kind: "percentile",
    description: "99th percentile write latency",
    value: (c) => percentile(c.writeLatencyUs, 99),
    inTable: true,
  },
  {
    name: "evictions",
    unit: "count",
    kind: "count",
    description: "local-cache entries pushed out to make room",
    value: count((c) => c.evictions),
    inTable: true,
  },
  {
    name: "evicted_bytes",
    unit: "bytes",
    kind: "count",
    description: "bytes of the local-cache entries pushed out to make room",
    value: count((c) => c.evictedBytes),
    inTable: false,
  },
  {
    name: "rejections",
    unit: "count",
    kind: "count",
    description:
      "local-cache fills not cached: larger than the cache (or a policy's queue) allows, or turned away by the admission filter (W-TinyLFU)",
    value: count((c) => c.rejections),
    inTable: false,
  },
  {
    name: "expirations",
    unit: "count",
    kind: "count",
    description: "local-cache entries found past their TTL",
    value: count((c) => c.expirations),
    inTable: true,
  },
  {
    name: "global_expirations",
    unit: "count",
    kind: "count",
    description: "global-cache entries found past their shard's TTL by this node's reads",
    value: count((c) => c.globalExpirations),
    inTable: false,
  },
  {
    name: "flushes",
    unit: "count",
    kind: "count",
    description: "flushes of the node's local cache",
    value: count((c) => c.flushes),
    inTable: false,
  },
  ...TALLY_METRICS,
] as const satisfies readonly MetricColumn[];
export const METRIC_COLUMNS: readonly MetricColumn[] = COLUMNS;

/** A metric column's name (`stale_rate`): the library's typed rows are keyed by these. */
export type MetricName = (typeof COLUMNS)[number]["name"];

export const SUMMARY_HEADER: readonly string[] = ["node", ...METRIC_COLUMNS.map((c) => c.name)];
export const TIMESERIES_HEADER: readonly string[] = ["time_us", "node", ...METRIC_COLUMNS.map((c) => c.name)];

export function metricCells(c: OpCounters): string[] {
  return METRIC_COLUMNS.map((col) => col.value(c));
}

export function metricColumnNames(): string[] {
  return METRIC_COLUMNS.map((c) => c.name);
}

/** A column of `cachesim mrc`'s mrc.csv: one row per (policy, size). */
export interface MrcColumn {
  name: string;
  /** "name" for the policy's name; else as a metric column's. */
  unit: ColumnUnit | "name";
  /** `key`: the row's identity (policy, size); else as a metric column's kind. */
  kind: ColumnKind | "key";
  description: string;
  /** A cell: integers as they are, ratios with six decimals. */
  value(r: MrcRow): string | number;
}

const sixDecimals = (x: number) => x.toFixed(6);

/**
 * mrc.csv's columns, in order. The counts are of the replay: of the sampled stream when `sample_rate`
 * is below 1. `byte_hit_rate`, `evictions`, `evicted_bytes` and `rejections` mean what the summary's
 * columns of those names mean for a local cache.
 */
export const MRC_COLUMNS: readonly MrcColumn[] = [
  { name: "policy", unit: "name", kind: "key", description: "the eviction policy", value: (r) => r.policy },
  {
    name: "size",
    unit: "count",
    kind: "key",
    description: "the cache's size: entries, or bytes with `--unit bytes` (the full stream's, when sampled)",
    value: (r) => r.size,
  },
  {
    name: "requests",
    unit: "count",
    kind: "count",
    description: "requests replayed",
    value: (r) => r.requests,
  },
  {
    name: "misses",
    unit: "count",
    kind: "count",
    description: "requests whose key was not cached (each is then inserted, unless refused)",
    value: (r) => r.misses,
  },
  {
    name: "miss_ratio",
    unit: "ratio",
    kind: "ratio",
    description: "misses / requests (0 without requests)",
    value: (r) => sixDecimals(r.missRatio),
  },
  {
    name: "byte_miss_ratio",
    unit: "ratio",
    kind: "ratio",
    description: "bytes of the missed requests / bytes requested (0 without bytes)",
    value: (r) => sixDecimals(r.byteMissRatio),
  },
  {
    name: "byte_hit_rate",
    unit: "ratio",
    kind: "ratio",
    description: "bytes of the requests served from the cache / bytes requested (0 without bytes)",
    value: (r) => sixDecimals(r.byteHitRate),
  },
  {
    name: "evictions",
    unit: "count",
    kind: "count",
    description: "entries pushed out to make room",
    value: (r) => r.evictions,
  },
  {
    name: "evicted_bytes",
    unit: "bytes",
    kind: "count",
    description: "the sizes those entries were inserted with, added up",
    value: (r) => r.evictedBytes,
  },
  {
    name: "rejections",
    unit: "count",
    kind: "count",
    description:
      "objects the policy declined to cache: larger than the cache or than a queue of the policy allows, or a W-TinyLFU candidate that lost the admission contest (what counts for each policy: [Eviction](eviction.md#miss-ratio-curves))",
    value: (r) => r.rejections,
  },
  {
    name: "sample_rate",
    unit: "ratio",
    kind: "level",
    description:
      "the share of the key space replayed: 1 for the whole stream; with `--sample R`, R (the cache scaled by R, the counts the sample's)",
    value: (r) => String(r.sampleRate),
  },
];
