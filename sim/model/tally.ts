// The counts the tiers and strategy parts keep beside the recorder's per-read classification: requests
// issued to each backend, invalidation messages, leases, write-behind. Tiers bump them by node; the
// metrics layer turns them into report columns. Ids are small integers so a bump is an array write.

/** Each count: its id, its report column and what it means. Columns appear in this order. */
export const TALLY_COLUMNS = [
  {
    id: 0,
    column: "db_reads_issued",
    description: "reads sent to the system of record (including background refreshes)",
  },
  {
    id: 1,
    column: "db_writes_issued",
    description: "writes sent to the system of record (including write-behind flushes)",
  },
  { id: 2, column: "cache_gets", description: "lookups sent to the global cache (GET, or a lease request)" },
  {
    id: 3,
    column: "cache_sets",
    description: "stores sent to the global cache (SET, conditional SET, lease fill)",
  },
  { id: 4, column: "cache_dels", description: "DELs sent to the global cache" },
  {
    id: 5,
    column: "cache_publishes",
    description: "invalidation messages published through the global cache",
  },
  { id: 6, column: "invalidations_sent", description: "copies of invalidation messages sent to other nodes" },
  { id: 7, column: "invalidations_lost", description: "invalidation messages to this node that were lost" },
  {
    id: 8,
    column: "invalidations_applied",
    description: "invalidation messages this node applied to its cache",
  },
  { id: 9, column: "lease_grants", description: "fill leases granted after a miss" },
  { id: 10, column: "lease_waits", description: "lookups that found another reader's lease and waited" },
  {
    id: 11,
    column: "lease_voided_fills",
    description: "fills refused because the lease was voided (a write came between)",
  },
  {
    id: 12,
    column: "stale_served",
    description: "reads served from a global entry past its TTL (stale-while-revalidate)",
  },
  {
    id: 13,
    column: "refreshes",
    description: "background refreshes started (refresh-ahead, stale-while-revalidate)",
  },
  {
    id: 14,
    column: "fills_refused",
    description: "versioned stores refused because the cache held a newer version or tombstone",
  },
  {
    id: 15,
    column: "global_evictions",
    description: "global-cache entries evicted (DEL) to make room for this node's stores",
  },
  { id: 16, column: "global_evicted_bytes", description: "bytes of those evicted global-cache entries" },
  {
    id: 17,
    column: "cache_sets_refused",
    description: "stores to a bounded shard refused for want of room (noeviction: Redis's OOM error)",
  },
  // What faults did (sim/faults): the run's per-node rows of faults.csv, as report columns.
  {
    id: 18,
    column: "reads_failed",
    description: "reads that could not complete (their fallback was to fail)",
  },
  {
    id: 19,
    column: "writes_failed",
    description: "writes that could not complete (their fallback was to fail)",
  },
  { id: 20, column: "cache_timeouts", description: "global-cache requests that timed out" },
  { id: 21, column: "db_timeouts", description: "database requests that timed out" },
  { id: 22, column: "ops_dropped", description: "operations in flight dropped by a crash of their node" },
  { id: 23, column: "ops_refused", description: "operations started on a node that was down" },
  { id: 24, column: "writes_lost", description: "acknowledged write-behind writes lost in a crash" },
  {
    id: 25,
    column: "stale_if_error",
    description: "reads served from an expired global entry because the database did not answer",
  },
  { id: 26, column: "cache_updates_lost", description: "committed writes whose cache SET or DEL timed out" },
  {
    id: 27,
    column: "db_requests",
    description:
      "requests that reached the database as a resource (database: connections) to wait for a connection",
  },
] as const;

export const TALLY = {
  dbReadsIssued: 0,
  dbWritesIssued: 1,
  cacheGets: 2,
  cacheSets: 3,
  cacheDels: 4,
  cachePublishes: 5,
  invalidationsSent: 6,
  invalidationsLost: 7,
  invalidationsApplied: 8,
  leaseGrants: 9,
  leaseWaits: 10,
  leaseVoidedFills: 11,
  staleServed: 12,
  refreshes: 13,
  fillsRefused: 14,
  globalEvictions: 15,
  globalEvictedBytes: 16,
  cacheSetsRefused: 17,
  readsFailed: 18,
  writesFailed: 19,
  cacheTimeouts: 20,
  dbTimeouts: 21,
  opsDropped: 22,
  opsRefused: 23,
  writesLost: 24,
  staleIfError: 25,
  cacheUpdatesLost: 26,
  dbRequests: 27,
} as const;

export const TALLY_COUNT = TALLY_COLUMNS.length;

export type TallyId = (typeof TALLY)[keyof typeof TALLY];

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
