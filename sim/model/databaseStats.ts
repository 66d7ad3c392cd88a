// What the database as a resource measures (sim/model/database.ts, `database.connections`): requests
// that reached it, connections in use at the peak, and how long requests queued for a connection
// (exact p50/p99/max), per report interval and for the whole run. Written out as database.csv.
import { ExactHistogram } from "../core/exactHistogram.ts";

export interface DatabaseInterval {
  startUs: number;
  requests: number;
  peakInUse: number;
  waitP50Us: number | undefined;
  waitP99Us: number | undefined;
  waitMaxUs: number | undefined;
}

export class DatabaseStats {
  readonly intervals: DatabaseInterval[] = [];
  private current = 0;
  private requests = 0;
  private peakInUse = 0;
  private readonly waits = new ExactHistogram();
  /** The whole run. */
  readonly runWaits = new ExactHistogram();
  runRequests = 0;
  runPeakInUse = 0;
  peakIntervalRequests = 0;

  constructor(private readonly intervalUs: number) {}

  /** A request reached the database at nowUs. */
  arrived(nowUs: number): void {
    this.advance(nowUs);
    this.requests++;
    this.runRequests++;
  }

  /**
   * A request got a connection at nowUs after waiting waitUs: counted in the interval of the grant (which
   * may be later than that of the last arrival).
   */
  waited(nowUs: number, waitUs: number): void {
    this.advance(nowUs);
    this.waits.record(waitUs);
    this.runWaits.record(waitUs);
  }

  /** Connections in use right after a grant. */
  inUse(n: number): void {
    if (n > this.peakInUse) this.peakInUse = n;
    if (n > this.runPeakInUse) this.runPeakInUse = n;
  }

  /** Closes the intervals up to the end of the run. */
  finish(endUs: number): void {
    this.advance(endUs);
    if (this.requests > 0 || this.waits.count > 0) this.close();
  }

  private advance(nowUs: number): void {
    const index = Math.floor(nowUs / this.intervalUs);
    while (this.current < index) {
      this.close();
      this.current++;
    }
  }

  private close(): void {
    if (this.requests > 0 || this.waits.count > 0) {
      this.intervals.push({
        startUs: this.current * this.intervalUs,
        requests: this.requests,
        peakInUse: this.peakInUse,
        waitP50Us: this.waits.percentile(50),
        waitP99Us: this.waits.percentile(99),
        waitMaxUs: this.waits.count > 0 ? this.waits.max : undefined,
      });
    }
    if (this.requests > this.peakIntervalRequests) this.peakIntervalRequests = this.requests;
    this.requests = 0;
    this.peakInUse = 0;
    this.waits.reset();
  }
}
