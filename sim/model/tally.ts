// The counts the tiers and strategy parts keep beside the recorder's per-read classification: requests
// issued to each backend, invalidation messages, leases, write-behind. Tiers bump them by node; the
// metrics layer turns them into report columns. Ids are small integers so a bump is an array write.

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
} as const;

export type TallyId = (typeof TALLY)[keyof typeof TALLY];

export interface Tally {
  /** Adds n (default 1) to a count of the node's. */
  bump(nodeIndex: number, id: TallyId, n?: number): void;
  /** Write-behind: how long an acknowledged write waited for its commit. */
  flushLag(nodeIndex: number, lagUs: number): void;
  /** Write-behind: writes acknowledged and not yet committed, changed by delta. */
  pending(nodeIndex: number, delta: number): void;
}

/** A tally that keeps nothing, for tools that run the tiers without reports. */
export const NO_TALLY: Tally = { bump() {}, flushLag() {}, pending() {} };
