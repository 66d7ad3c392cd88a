// What is counted for one node (or the total) over some span of virtual time.

import { ExactHistogram } from "../core/exactHistogram.ts";
import { TALLY_COUNT } from "../model/tally.ts";
import type { ServedFrom } from "../spec/types.ts";

/** The histogram fields: merging, resetting and summing go through this list. */
const HISTOGRAMS = [
  "readLatencyUs",
  "writeLatencyUs",
  "stalenessAgeUs",
  "flushLagUs",
  "dbQueueWaitUs",
] as const;
type HistogramField = (typeof HISTOGRAMS)[number];

export class OpCounters {
  reads = 0;
  writes = 0;
  flushes = 0;
  localHits = 0;
  globalHits = 0;
  dbReads = 0;
  staleReads = 0;
  /** Local-cache entries pushed out to make room. */
  evictions = 0;
  /** Bytes of those entries. */
  evictedBytes = 0;
  /** Local-cache fills not cached: too large, or turned away by the policy's admission filter. */
  rejections = 0;
  /** Local-cache entries found past their TTL. */
  expirations = 0;
  /** Bytes of the values reads returned, and of those served by a cache (local or global). */
  readBytes = 0;
  hitBytes = 0;
  /** Global-cache entries found past their shard's TTL by this node's reads. */
  globalExpirations = 0;
  readonly readLatencyUs = new ExactHistogram();
  readonly writeLatencyUs = new ExactHistogram();
  /** Packed: staleness ages spread over a whole TTL, sparse below 16 ms too (exactHistogram.ts). */
  readonly stalenessAgeUs = new ExactHistogram("packed");
  /** Requests issued and protocol events, by id (sim/model/tally.ts). */
  readonly tally = new Float64Array(TALLY_COUNT);
  /** Write-behind: acknowledgement to commit, per committed write. */
  readonly flushLagUs = new ExactHistogram();
  /** Write-behind: writes begun and not yet committed at the end of the span (a level, not a count). */
  writesPending = 0;
  /** The database as a resource: how long each request waited for a connection. */
  readonly dbQueueWaitUs = new ExactHistogram();
  /** The most database connections in use at once, seen at the grants of these requests (a level). */
  dbPeakInUse = 0;
  /** The most database requests (db_requests) in one report interval of the span (a level). */
  dbRequestsPeak = 0;

  recordRead(servedFrom: ServedFrom, latencyUs: number, stalenessAgeUs: number | null, bytes: number): void {
    this.reads++;
    this.readBytes += bytes;
    if (servedFrom === "local") {
      this.localHits++;
      this.hitBytes += bytes;
    } else if (servedFrom === "global") {
      this.globalHits++;
      this.hitBytes += bytes;
    } else this.dbReads++;
    this.readLatencyUs.record(latencyUs);
    if (stalenessAgeUs !== null) {
      this.staleReads++;
      this.stalenessAgeUs.record(stalenessAgeUs);
    }
  }

  recordWrite(latencyUs: number): void {
    this.writes++;
    this.writeLatencyUs.record(latencyUs);
  }

  /** True when nothing at all was counted: such a span costs nothing to merge or report. */
  isEmpty(): boolean {
    return (
      this.reads === 0 &&
      this.writes === 0 &&
      this.flushes === 0 &&
      this.evictions === 0 &&
      this.rejections === 0 &&
      this.expirations === 0 &&
      this.globalExpirations === 0 &&
      this.writesPending === 0 &&
      this.flushLagUs.count === 0 &&
      this.dbQueueWaitUs.count === 0 &&
      this.tally.every(isZero)
    );
  }

  /**
   * The counts of several spans together (a run's total row): the counters are added, the histograms
   * are read through the parts rather than copied (ExactHistogram.sumOf), so the parts must not change
   * while the sum is in use.
   */
  static sumOf(parts: readonly OpCounters[]): OpCounters {
    const sum = new OpCounters();
    for (const part of parts) {
      sum.addCounts(part);
      sum.writesPending += part.writesPending;
    }
    const histograms = sum as { -readonly [F in HistogramField]: ExactHistogram };
    for (const field of HISTOGRAMS) {
      histograms[field] = ExactHistogram.sumOf(
        parts.map((p) => p[field]),
        sum[field].layout,
      );
    }
    return sum;
  }

  /** Adds another span's counts into this one (for totals). */
  add(other: OpCounters): void {
    this.addCounts(other);
    for (const field of HISTOGRAMS) this[field].add(other[field]);
  }

  /** Adds everything but the histograms and the pending level; the database peaks take the larger. */
  private addCounts(other: OpCounters): void {
    this.reads += other.reads;
    this.writes += other.writes;
    this.flushes += other.flushes;
    this.localHits += other.localHits;
    this.globalHits += other.globalHits;
    this.dbReads += other.dbReads;
    this.staleReads += other.staleReads;
    this.evictions += other.evictions;
    this.evictedBytes += other.evictedBytes;
    this.rejections += other.rejections;
    this.expirations += other.expirations;
    this.readBytes += other.readBytes;
    this.hitBytes += other.hitBytes;
    this.globalExpirations += other.globalExpirations;
    for (let i = 0; i < TALLY_COUNT; i++)
      this.tally[i] = (this.tally[i] as number) + (other.tally[i] as number);
    if (other.dbPeakInUse > this.dbPeakInUse) this.dbPeakInUse = other.dbPeakInUse;
    if (other.dbRequestsPeak > this.dbRequestsPeak) this.dbRequestsPeak = other.dbRequestsPeak;
  }

  reset(): void {
    this.reads = 0;
    this.writes = 0;
    this.flushes = 0;
    this.localHits = 0;
    this.globalHits = 0;
    this.dbReads = 0;
    this.staleReads = 0;
    this.evictions = 0;
    this.evictedBytes = 0;
    this.rejections = 0;
    this.expirations = 0;
    this.readBytes = 0;
    this.hitBytes = 0;
    this.globalExpirations = 0;
    for (const field of HISTOGRAMS) this[field].reset();
    this.tally.fill(0);
    this.writesPending = 0;
    this.dbPeakInUse = 0;
    this.dbRequestsPeak = 0;
  }
}

function isZero(n: number): boolean {
  return n === 0;
}
