// trace.csv rows, kept until the run ends so they can be written in the order operations began
// (they finish out of order). Capped: a trace is for small runs, and the cap is a scenario limit.
import { SimulationError } from "../core/scheduler.ts";

interface TraceRow {
  startUs: number;
  opId: number;
  cells: string[];
}

export class TraceLog {
  private readonly rows: TraceRow[] = [];

  constructor(private readonly rowsMax: number) {}

  add(startUs: number, opId: number, cells: string[]): void {
    if (this.rows.length >= this.rowsMax) {
      throw new SimulationError(
        `trace.csv would pass its limit of ${this.rowsMax} rows (limits.traceRows); ` +
          "raise the limit, or run without a trace (report.trace: never, no --trace)",
      );
    }
    this.rows.push({ startUs, opId, cells });
  }

  /** Rows in the order their operations began; ties in the order they were started. */
  sorted(): string[][] {
    return this.rows.sort((a, b) => a.startUs - b.startUs || a.opId - b.opId).map((r) => r.cells);
  }
}
