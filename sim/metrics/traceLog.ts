// trace.csv, streamed: rows go out in the order operations began while the run goes on, so memory
// follows the operations in flight, not the length of the run.
//
// Operation ids are handed out as operations begin, in virtual-time order, so the trace order is the id
// order. Operations finish out of order, so a finished row waits in a reorder buffer until every lower id
// has been written or is known never to come (abandon()); finish() writes what is left once the run is
// over, skipping operations that were still in flight. Every id handed out must end in add() or
// abandon(): an id that does neither holds the later rows in memory until the run ends (still correct).
import { SimulationError } from "../core/scheduler.ts";
import { type TraceRow, traceCells } from "./traceColumns.ts";

export interface TraceWriter {
  writeRow(cells: readonly string[]): void;
}

export class TraceLog {
  /** The lowest id not yet written or abandoned. */
  private nextId = 0;
  /** Finished rows (formatted) and abandoned ids (null) above nextId. */
  private readonly waiting = new Map<number, string[] | null>();
  private rows = 0;

  constructor(
    private readonly writer: TraceWriter,
    private readonly rowsMax: number,
  ) {}

  /** Rows accepted so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Rows waiting for a lower id (the reorder buffer's size). */
  get waitingCount(): number {
    return this.waiting.size;
  }

  add(opId: number, row: TraceRow): void {
    if (this.rows >= this.rowsMax) {
      throw new SimulationError(
        `trace.csv would pass its limit of ${this.rowsMax} rows (limits.traceRows); ` +
          "raise the limit, or run without a trace (report.trace: never, no --trace)",
      );
    }
    this.rows++;
    const cells = traceCells(row);
    if (opId === this.nextId) {
      this.writer.writeRow(cells);
      this.nextId++;
      this.drain();
    } else {
      this.waiting.set(opId, cells);
    }
  }

  /** The operation with this id will never finish (dropped, failed): later rows need not wait for it. */
  abandon(opId: number): void {
    if (opId < this.nextId) return;
    if (opId === this.nextId) {
      this.nextId++;
      this.drain();
    } else {
      this.waiting.set(opId, null);
    }
  }

  /** The run is over: writes the rows still waiting, in id order; ids never finished are skipped. */
  finish(): void {
    const ids = [...this.waiting.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const cells = this.waiting.get(id);
      if (cells) this.writer.writeRow(cells);
    }
    this.waiting.clear();
  }

  private drain(): void {
    const waiting = this.waiting;
    while (waiting.size > 0) {
      const cells = waiting.get(this.nextId);
      if (cells === undefined) return;
      waiting.delete(this.nextId);
      if (cells !== null) this.writer.writeRow(cells);
      this.nextId++;
    }
  }
}
