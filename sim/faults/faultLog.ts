// What a run's faults did, counted as it happens: per node over the whole run, and per scheduled fault
// over its window (from its start to its end), plus how long after each fault's end stale reads took
// to return to their level before it began. It is also the tiers' and strategy parts' view of the
// faults (RequestFaults, WorldFaults): the request timeout, the fallbacks, crash listeners, and the
// place timeouts, dropped operations and failures are reported to. Written out as faults.csv.
import type { EventHandle, Scheduler } from "../core/scheduler.ts";
import type { Operation } from "../model/operation.ts";
import type { RequestFaults, Tier } from "../model/requestFaults.ts";
import type { SimNode } from "../model/simNode.ts";
import { NO_TALLY, TALLY, type Tally, type TallyId } from "../model/tally.ts";
import type { FaultCount, WorldFaults } from "../model/world.ts";

/** The counts of one node, or of one fault's window. */
export class FaultCounts {
  reads = 0;
  staleReads = 0;
  readsFailed = 0;
  writesFailed = 0;
  cacheTimeouts = 0;
  databaseTimeouts = 0;
  databaseReadsIssued = 0;
  opsDropped = 0;
  opsRefused = 0;
  writesLost = 0;
  staleIfError = 0;
  cacheUpdatesLost = 0;

  add(o: FaultCounts): void {
    for (const field of FAULT_COUNT_FIELDS) this[field] += o[field];
  }
}

export const FAULT_COUNT_FIELDS = [
  "reads",
  "staleReads",
  "readsFailed",
  "writesFailed",
  "cacheTimeouts",
  "databaseTimeouts",
  "databaseReadsIssued",
  "opsDropped",
  "opsRefused",
  "writesLost",
  "staleIfError",
  "cacheUpdatesLost",
] as const satisfies ReadonlyArray<keyof FaultCounts>;

export type FaultCountField = (typeof FAULT_COUNT_FIELDS)[number];

/**
 * The report column (sim/model/tally.ts) each count is also kept in, per node and interval, for
 * summary.csv and timeseries.csv; null for the counts those columns already have from the recorder.
 */
export const FAULT_COUNT_TALLY: Readonly<Record<FaultCountField, TallyId | null>> = {
  reads: null,
  staleReads: null,
  readsFailed: TALLY.readsFailed,
  writesFailed: TALLY.writesFailed,
  cacheTimeouts: TALLY.cacheTimeouts,
  databaseTimeouts: TALLY.dbTimeouts,
  databaseReadsIssued: null,
  opsDropped: TALLY.opsDropped,
  opsRefused: TALLY.opsRefused,
  writesLost: TALLY.writesLost,
  staleIfError: TALLY.staleIfError,
  cacheUpdatesLost: TALLY.cacheUpdatesLost,
};

/** Post-end buckets kept per fault for its recovery time (a limit on memory; beyond it, "not measured"). */
const RECOVERY_BUCKETS_MAX = 100_000;

/** One scheduled fault's window and what happened in it. */
export class FaultWindowLog {
  readonly counts = new FaultCounts();
  endUs: number | null = null;
  /** Reads and stale reads before the fault began (its baseline stale rate). */
  private baseReads = 0;
  private baseStale = 0;
  /** After the end: reads and stale reads per report interval, counted from the end. */
  private readonly afterReads: number[] = [];
  private readonly afterStale: number[] = [];

  constructor(
    readonly index: number,
    readonly kind: string,
    readonly target: string,
    readonly startUs: number,
  ) {}

  /** A read finished at nowUs (stale or not): counted as baseline, in the window, or after it. */
  read(nowUs: number, stale: boolean, intervalUs: number): void {
    if (this.endUs === null || nowUs < this.endUs) return; // before or in the window: counted by the log
    const bucket = Math.floor((nowUs - this.endUs) / intervalUs);
    if (bucket >= RECOVERY_BUCKETS_MAX) return;
    while (this.afterReads.length <= bucket) {
      this.afterReads.push(0);
      this.afterStale.push(0);
    }
    this.afterReads[bucket] = (this.afterReads[bucket] as number) + 1;
    if (stale) this.afterStale[bucket] = (this.afterStale[bucket] as number) + 1;
  }

  /** Remembers the stale rate before the fault began. */
  began(readsBefore: number, staleBefore: number): void {
    this.baseReads = readsBefore;
    this.baseStale = staleBefore;
  }

  /**
   * How long after the end the stale rate stayed above its level before the fault: the end of the last
   * report interval (counted from the fault's end) whose stale rate exceeded it; 0 if none did. Null
   * when the fault had not ended by the end of the run.
   */
  recoveryUs(intervalUs: number): number | null {
    if (this.endUs === null) return null;
    const baseRate = this.baseReads === 0 ? 0 : this.baseStale / this.baseReads;
    let last = -1;
    for (let k = 0; k < this.afterReads.length; k++) {
      const reads = this.afterReads[k] as number;
      if (reads > 0 && (this.afterStale[k] as number) / reads > baseRate) last = k;
    }
    return (last + 1) * intervalUs;
  }
}

export interface FaultLogOptions {
  timeoutUs: number;
  readFallback: "database" | "fail";
  staleIfError: boolean;
  /** Width of the intervals recovery is measured in (the report interval). */
  intervalUs: number;
}

export class FaultLog implements RequestFaults, WorldFaults {
  readonly timeoutUs: number;
  readonly readFallback: "database" | "fail";
  readonly staleIfError: boolean;
  readonly byNode: FaultCounts[];
  readonly windows: FaultWindowLog[] = [];
  private active: FaultWindowLog[] = [];
  private readonly crashListeners: Array<(node: SimNode) => void> = [];
  /** Per node, its operations in flight in the tiers and the event each waits for (-1: none yet). */
  private readonly inFlight: Array<Map<Operation, EventHandle>>;
  private readsSoFar = 0;
  private staleSoFar = 0;
  /** Where the counts that are also report columns go (the recorder, once `observe` has seen it). */
  private columns: Tally = NO_TALLY;
  /** Tells trace.csv that an operation will never finish, so later rows need not wait for it. */
  private abandonTrace: (opId: number) => void = () => {};

  constructor(
    private readonly scheduler: Scheduler,
    nodes: readonly SimNode[],
    private readonly options: FaultLogOptions,
  ) {
    this.timeoutUs = options.timeoutUs;
    this.readFallback = options.readFallback;
    this.staleIfError = options.staleIfError;
    this.byNode = nodes.map(() => new FaultCounts());
    this.inFlight = nodes.map(() => new Map());
  }

  /** A tally that also counts, per fault window, the database reads issued (the load a fault causes). */
  observe(tally: Tally): Tally {
    this.columns = tally;
    return {
      bump: (nodeIndex: number, id: TallyId, n = 1) => {
        if (id === TALLY.dbReadsIssued) this.bump(nodeIndex, "databaseReadsIssued", n);
        tally.bump(nodeIndex, id, n);
      },
      flushLag: (nodeIndex, lagUs) => tally.flushLag(nodeIndex, lagUs),
      pending: (nodeIndex, delta) => tally.pending(nodeIndex, delta),
      databaseWait: (nodeIndex, waitUs, inUse) => tally.databaseWait(nodeIndex, waitUs, inUse),
    };
  }

  /** Where to say that an operation will never be recorded (the recorder's trace). */
  traceAbandonedTo(abandon: (opId: number) => void): void {
    this.abandonTrace = abandon;
  }

  // -- the schedule --------------------------------------------------------------------------------

  faultStarted(kind: string, target: string): FaultWindowLog {
    const window = new FaultWindowLog(this.windows.length, kind, target, this.scheduler.nowUs);
    window.began(this.readsSoFar, this.staleSoFar);
    this.windows.push(window);
    this.active.push(window);
    return window;
  }

  faultEnded(window: FaultWindowLog): void {
    window.endUs = this.scheduler.nowUs;
    this.active = this.active.filter((w) => w !== window);
  }

  /**
   * A node crashed: every operation it had in flight in the tiers is dropped now, and the event it
   * waited for (its answer or its timeout) is cancelled in the kernel, so none of them runs later.
   */
  crashed(node: SimNode): void {
    const inFlight = this.inFlight[node.index] as Map<Operation, EventHandle>;
    for (const [op, handle] of inFlight) {
      if (handle >= 0) this.scheduler.cancel(handle);
      this.dropped(op);
    }
    inFlight.clear();
    for (const listener of this.crashListeners) listener(node);
  }

  // -- RequestFaults -------------------------------------------------------------------------------

  timedOut(op: Operation, tier: Tier): void {
    this.bump(op.node.index, tier === "cache" ? "cacheTimeouts" : "databaseTimeouts");
  }

  awaiting(op: Operation, handle: EventHandle): void {
    (this.inFlight[op.node.index] as Map<Operation, EventHandle>).set(op, handle);
  }

  arrived(op: Operation): void {
    (this.inFlight[op.node.index] as Map<Operation, EventHandle>).delete(op);
  }

  dropped(op: Operation): void {
    this.bump(op.node.index, "opsDropped");
    this.abandonTrace(op.opId);
    if (op.done !== null) op.done();
  }

  // -- WorldFaults ---------------------------------------------------------------------------------

  onCrash(listener: (node: SimNode) => void): void {
    this.crashListeners.push(listener);
  }

  readFinished(op: Operation, nowUs: number): void {
    // The recorder's own test: stale when the returned version was superseded before the read began.
    const stale = op.version < op.versionAtStart;
    this.bump(op.node.index, "reads");
    if (stale) this.bump(op.node.index, "staleReads");
    for (const window of this.windows) window.read(nowUs, stale, this.options.intervalUs);
    this.readsSoFar++;
    if (stale) this.staleSoFar++;
  }

  failed(op: Operation, what: "read" | "write"): void {
    this.bump(op.node.index, what === "read" ? "readsFailed" : "writesFailed");
    this.abandonTrace(op.opId);
    if (op.done !== null) op.done();
  }

  count(nodeIndex: number, what: FaultCount, n = 1): void {
    this.bump(nodeIndex, what === "refused" ? "opsRefused" : what, n);
  }

  /** An operation started on a node that is down: refused, and its caller hears so after the timeout. */
  refuse(node: SimNode, done: (() => void) | undefined): void {
    this.bump(node.index, "opsRefused");
    if (done !== undefined) this.scheduler.after(this.timeoutUs, done);
  }

  private bump(nodeIndex: number, field: FaultCountField, n = 1): void {
    const counts = this.byNode[nodeIndex] as FaultCounts;
    counts[field] += n;
    const column = FAULT_COUNT_TALLY[field];
    if (column !== null) this.columns.bump(nodeIndex, column, n);
    for (const window of this.active) window.counts[field] += n;
  }
}
