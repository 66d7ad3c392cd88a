// Classifies every finished operation and keeps the counts: per node for the whole run (summary.csv),
// per node per interval of virtual time (timeseries.csv, streamed out as each interval closes), and
// optionally one row per operation (trace.csv).
import { type LocalCache, valueBytes } from "../model/localCache.ts";
import type { Operation } from "../model/operation.ts";
import type { Oracle } from "../model/oracle.ts";
import { TALLY, type Tally, type TallyId } from "../model/tally.ts";
import type { OperationSink } from "../model/world.ts";
import type { ServedFrom } from "../spec/types.ts";
import { OpCounters } from "./opCounters.ts";
import type { TraceLog } from "./traceLog.ts";

export interface RecorderNode {
  name: string;
  cache: LocalCache | null;
}

/**
 * Receives one timeseries row: interval start, node name (or "total"), and the counters; `empty` says
 * nothing was counted, so the row's cells are those of any empty span.
 */
export type IntervalSink = (timeUs: number, node: string, counters: OpCounters, empty: boolean) => void;

interface NodeState {
  name: string;
  cache: LocalCache | null;
  run: OpCounters;
  interval: OpCounters;
  evictionsSeen: number;
  evictedBytesSeen: number;
  rejectionsSeen: number;
  expirationsSeen: number;
  /** Write-behind writes begun and not yet committed, now. */
  pendingLevel: number;
}

/** A read an expectation asks about, filled in when a matching read completes. */
export interface WatchedRead {
  nodeIndex: number;
  atUs: number;
  key: string | null;
  seen: Array<{ key: string; value: string | null; stale: boolean; servedFrom: ServedFrom }>;
}

export class Recorder implements Tally, OperationSink {
  private readonly nodes: NodeState[];
  private readonly watches = new Map<string, WatchedRead[]>();
  private readonly intervalTotal = new OpCounters();
  private intervalStartUs = 0;
  /** The most database requests any one interval saw, all nodes together. */
  private dbRequestsPeakTotal = 0;

  constructor(
    nodes: readonly RecorderNode[],
    private readonly oracle: Oracle,
    private readonly intervalUs: number,
    private readonly intervalSink: IntervalSink,
    private readonly trace: TraceLog | null,
  ) {
    this.nodes = nodes.map((n) => ({
      name: n.name,
      cache: n.cache,
      run: new OpCounters(),
      interval: new OpCounters(),
      evictionsSeen: 0,
      evictedBytesSeen: 0,
      rejectionsSeen: 0,
      expirationsSeen: 0,
      pendingLevel: 0,
    }));
  }

  /** Remembers what the read(s) that node began at atUs returned (optionally only for one key). */
  watchRead(nodeIndex: number, atUs: number, key: string | null): WatchedRead {
    const watch: WatchedRead = { nodeIndex, atUs, key, seen: [] };
    const slot = `${nodeIndex}@${atUs}`;
    const list = this.watches.get(slot);
    if (list === undefined) this.watches.set(slot, [watch]);
    else list.push(watch);
    return watch;
  }

  /**
   * A read finished at nowUs. It is stale when the version it returned had been superseded before the
   * read began, i.e. was older than the version current at its start.
   */
  read(op: Operation, nowUs: number, servedFrom: ServedFrom): void {
    const { node, key, startUs, value, version } = op;
    const state = this.nodes[node.index] as NodeState;
    const latencyUs = nowUs - startUs;
    let ageUs: number | null = null;
    if (version < op.versionAtStart) {
      // The successor of the returned version was committed at or before the read's start.
      ageUs = startUs - (this.oracle.supersededAtUs(key, version) as number);
    }
    if (this.watches.size > 0) {
      for (const watch of this.watches.get(`${node.index}@${startUs}`) ?? []) {
        if (watch.key === null || watch.key === key.name) {
          watch.seen.push({ key: key.name, value, stale: ageUs !== null, servedFrom });
        }
      }
    }
    state.interval.recordRead(servedFrom, latencyUs, ageUs, this.bytesOf(value));
    this.trace?.add(op.opId, {
      startUs,
      node: state.name,
      op: "read",
      key: key.name,
      value,
      version,
      servedFrom,
      shard: op.servedBy,
      stalenessAgeUs: ageUs,
      latencyUs,
    });
  }

  /**
   * A value's UTF-8 length. Most reads return a value shared by many keys (the fill value) or the one
   * just returned by the read before, so the last one is remembered rather than counted again.
   */
  private bytesOf(value: string | null): number {
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastValueBytes = valueBytes(value);
    }
    return this.lastValueBytes;
  }

  private lastValue: string | null = null;
  private lastValueBytes = 0;

  /** A write was acknowledged at nowUs. */
  write(op: Operation, nowUs: number): void {
    const state = this.nodes[op.node.index] as NodeState;
    const latencyUs = nowUs - op.startUs;
    state.interval.recordWrite(latencyUs);
    this.trace?.add(op.opId, {
      startUs: op.startUs,
      node: state.name,
      op: "write",
      key: op.key.name,
      value: op.value,
      version: op.version,
      servedFrom: null,
      shard: op.servedBy,
      stalenessAgeUs: null,
      latencyUs,
    });
  }

  flush(nodeIndex: number, opId: number, nowUs: number): void {
    const state = this.nodes[nodeIndex] as NodeState;
    state.interval.flushes++;
    this.trace?.add(opId, {
      startUs: nowUs,
      node: state.name,
      op: "flush",
      key: null,
      value: null,
      version: null,
      servedFrom: null,
      shard: "",
      stalenessAgeUs: null,
      latencyUs: 0,
    });
  }

  /** The operation with this id will never be recorded (dropped by a fault): the trace stops waiting. */
  abandon(opId: number): void {
    this.trace?.abandon(opId);
  }

  bump(nodeIndex: number, id: TallyId, n = 1): void {
    const tally = (this.nodes[nodeIndex] as NodeState).interval.tally;
    tally[id] = (tally[id] as number) + n;
  }

  flushLag(nodeIndex: number, lagUs: number): void {
    (this.nodes[nodeIndex] as NodeState).interval.flushLagUs.record(lagUs);
  }

  pending(nodeIndex: number, delta: number): void {
    (this.nodes[nodeIndex] as NodeState).pendingLevel += delta;
  }

  databaseWait(nodeIndex: number, waitUs: number, inUse: number): void {
    const interval = (this.nodes[nodeIndex] as NodeState).interval;
    interval.dbQueueWaitUs.record(waitUs);
    if (inUse > interval.dbPeakInUse) interval.dbPeakInUse = inUse;
  }

  globalExpiration(nodeIndex: number): void {
    const state = this.nodes[nodeIndex] as NodeState;
    state.interval.globalExpirations++;
  }

  /** Closes every interval that ends at or before boundaryUs (called by the scheduler's ticker). */
  tick(boundaryUs: number): void {
    while (this.intervalStartUs + this.intervalUs <= boundaryUs) this.closeInterval();
  }

  /** Closes the intervals up to the end of the run, the last one possibly partial. */
  finish(endUs: number): void {
    this.tick(endUs);
    if (this.intervalStartUs < endUs) this.closeInterval();
    this.trace?.finish();
    for (const state of this.nodes) {
      state.run.evictions = state.cache?.evictions ?? 0;
      state.run.evictedBytes = state.cache?.evictedBytes ?? 0;
      state.run.rejections = state.cache?.rejections ?? 0;
      state.run.expirations = state.cache?.expirations ?? 0;
      state.run.writesPending = state.pendingLevel;
    }
  }

  /** One row per node in scenario order, then the total. */
  summary(): Array<{ node: string; counters: OpCounters }> {
    const rows = this.nodes.map((s) => ({ node: s.name, counters: s.run }));
    const total = OpCounters.sumOf(this.nodes.map((s) => s.run));
    // A node's busiest interval is its own; the total's is that of all nodes' requests together.
    total.dbRequestsPeak = this.dbRequestsPeakTotal;
    rows.push({ node: "total", counters: total });
    return rows;
  }

  private closeInterval(): void {
    const total = this.intervalTotal;
    let totalEmpty = true;
    for (const state of this.nodes) {
      const interval = state.interval;
      const cache = state.cache;
      if (cache !== null) {
        interval.evictions = cache.evictions - state.evictionsSeen;
        interval.evictedBytes = cache.evictedBytes - state.evictedBytesSeen;
        interval.rejections = cache.rejections - state.rejectionsSeen;
        interval.expirations = cache.expirations - state.expirationsSeen;
        state.evictionsSeen = cache.evictions;
        state.evictedBytesSeen = cache.evictedBytes;
        state.rejectionsSeen = cache.rejections;
        state.expirationsSeen = cache.expirations;
      }
      interval.writesPending = state.pendingLevel;
      interval.dbRequestsPeak = interval.tally[TALLY.dbRequests] as number;
      // Fine intervals are mostly empty: an empty one is written from cached cells and merged nowhere.
      if (interval.isEmpty()) {
        this.intervalSink(this.intervalStartUs, state.name, interval, true);
        continue;
      }
      this.intervalSink(this.intervalStartUs, state.name, interval, false);
      // Operations are counted once, per interval; the run's counts are the sum of its intervals.
      state.run.add(interval);
      total.add(interval);
      total.writesPending += interval.writesPending;
      totalEmpty = false;
      interval.reset();
    }
    total.dbRequestsPeak = total.tally[TALLY.dbRequests] as number;
    if (total.dbRequestsPeak > this.dbRequestsPeakTotal) this.dbRequestsPeakTotal = total.dbRequestsPeak;
    this.intervalSink(this.intervalStartUs, "total", total, totalEmpty);
    if (!totalEmpty) total.reset();
    this.intervalStartUs += this.intervalUs;
  }
}
