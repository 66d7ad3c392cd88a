// The counts the tiers and strategy parts keep beside the recorder's per-read classification: requests
// issued to each backend, invalidation messages, leases, write-behind. Tiers bump them by node; the
// metrics layer turns them into report columns. Ids are small integers so a bump is an array write.

/**
 * Each count: its report column and what it means, in column order. A count's id is its position and its
 * name in code the column's name in camelCase (`TALLY.dbReadsIssued`), so a new count is one entry here.
 */
export const TALLY_COLUMNS = [
  {
    column: "db_reads_issued",
    description: "reads sent to the system of record (including background refreshes)",
  },
  {
    column: "db_writes_issued",
    description: "writes sent to the system of record (including write-behind flushes)",
  },
  { column: "cache_gets", description: "lookups sent to the global cache (GET, or a lease request)" },
  { column: "cache_sets", description: "stores sent to the global cache (SET, conditional SET, lease fill)" },
  { column: "cache_dels", description: "DELs sent to the global cache" },
  { column: "cache_publishes", description: "invalidation messages published through the global cache" },
  { column: "invalidations_sent", description: "copies of invalidation messages sent to other nodes" },
  { column: "invalidations_lost", description: "invalidation messages to this node that were lost" },
  { column: "invalidations_applied", description: "invalidation messages this node applied to its cache" },
  { column: "lease_grants", description: "fill leases granted after a miss" },
  { column: "lease_waits", description: "lookups that found another reader's lease and waited" },
  {
    column: "lease_voided_fills",
    description: "fills refused because the lease was voided (a write came between)",
  },
  {
    column: "stale_served",
    description: "reads served from a global entry past its TTL (stale-while-revalidate)",
  },
  {
    column: "refreshes",
    description: "background refreshes started (refresh-ahead, stale-while-revalidate)",
  },
  {
    column: "fills_refused",
    description: "versioned stores refused because the cache held a newer version or tombstone",
  },
  {
    column: "global_evictions",
    description:
      "global-cache entries evicted (a `DEL` the engine sends, not counted in `cache_dels`) to make room for this node's stores",
  },
  {
    column: "global_evicted_bytes",
    unit: "bytes",
    description: "bytes of those evicted global-cache entries",
  },
  {
    column: "cache_sets_refused",
    description:
      "stores to a bounded shard refused for want of room (`noeviction`, Redis's OOM error; also an entry larger than the shard, or `volatile-ttl` with no key carrying a TTL)",
  },
  // What faults did (sim/faults): the run's per-node rows of faults.csv, as report columns.
  {
    column: "reads_failed",
    description:
      "reads that could not complete because of a fault (their fallback was to fail); not in `reads`",
  },
  {
    column: "writes_failed",
    description: "writes that could not complete because of a fault; not in `writes`",
  },
  { column: "cache_timeouts", description: "global-cache requests that timed out (errors per tier)" },
  { column: "db_timeouts", description: "database requests that timed out" },
  { column: "ops_dropped", description: "operations in flight dropped by a crash of their node" },
  { column: "ops_refused", description: "operations started on a node that was down" },
  { column: "writes_lost", description: "acknowledged write-behind writes lost in a crash" },
  {
    column: "stale_if_error",
    description:
      "reads served stale because of a fault: from an expired global entry, as the database did not answer",
  },
  {
    column: "cache_updates_lost",
    description: "committed writes whose cache SET or DEL timed out (the cache keeps the old value)",
  },
  {
    column: "db_requests",
    description:
      "requests that reached the database as a resource (`database:`) and queued for a connection; 0 without one",
  },
] as const;

/** `db_reads_issued` -> `dbReadsIssued`: the name code uses for a count. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type TallyName = CamelCase<(typeof TALLY_COLUMNS)[number]["column"]>;

/** Each count's id (its position in TALLY_COLUMNS) by its name in code, derived from the column names. */
export const TALLY = Object.freeze(
  Object.fromEntries(
    TALLY_COLUMNS.map((t, id) => [t.column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), id]),
  ),
) as { readonly [K in TallyName]: number };

export const TALLY_COUNT = TALLY_COLUMNS.length;

/** The report column of a count. */
export function tallyColumn(id: TallyId): string {
  const entry = TALLY_COLUMNS[id];
  if (entry === undefined) throw new Error(`no count with id ${id}`);
  return entry.column;
}

/** A count's id: its position in TALLY_COLUMNS. */
export type TallyId = number;

export interface Tally {
  /** Adds n (default 1) to a count of the node's. */
  bump(nodeIndex: number, id: TallyId, n?: number): void;
  /** Write-behind: how long an acknowledged write waited for its commit. */
  flushLag(nodeIndex: number, lagUs: number): void;
  /** Write-behind: writes acknowledged and not yet committed, changed by delta. */
  pending(nodeIndex: number, delta: number): void;
  /** The database as a resource gave one of the node's requests a connection after waitUs; inUse now. */
  databaseWait(nodeIndex: number, waitUs: number, inUse: number): void;
}

/** A tally that keeps nothing, for tools that run the tiers without reports. */
export const NO_TALLY: Tally = { bump() {}, flushLag() {}, pending() {}, databaseWait() {} };
