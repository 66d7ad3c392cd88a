// The database tier: the system of record (a RecordStore) and the truth about it (the Oracle), owned
// together so that nothing can commit without truth seeing it. A commit's version is assigned here at the
// instant the write reaches the database (the linearisation point); the store's answer is checked
// against it when it arrives. Acknowledgement is separate from commit: write-behind reserves a version
// when the cache acknowledges and commits it later, and truth follows the real commit.
import type { MaybePromise, RecordStore, Record as StoredRecord } from "../backends/types.ts";
import { type Scheduler, SimulationError } from "../core/scheduler.ts";
import type { Operation } from "./operation.ts";
import type { Key, Oracle } from "./oracle.ts";
import { TALLY, type Tally } from "./tally.ts";

export class Database {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly records: RecordStore,
    readonly oracle: Oracle,
    private readonly tally: Tally,
  ) {}

  /** Reads the key's row into op.value / op.version, then runs `next` back at the node. */
  read(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbReadsIssued);
    this.scheduler.after(op.node.dbHopUs(), this.readAtDatabase, op);
  }

  /** Commits op.value, sets op.version to the new version, then runs `next` back at the node. */
  write(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbWritesIssued);
    this.scheduler.after(op.node.dbHopUs(), this.writeAtDatabase, op);
  }

  /**
   * Reserves the key's next version for a write acknowledged before it commits (write-behind). Reserved
   * versions commit in the order they were reserved, through commitReserved.
   */
  reserve(key: Key): number {
    key.pending++;
    return key.version + key.pending;
  }

  /**
   * Commits a reserved version now (the flusher is at the database): truth learns of it at this instant.
   * Returns the store's answer, which the caller checks with `checkAck` when it is delivered.
   */
  commitReserved(key: Key, value: string, version: number, nodeIndex: number): MaybePromise<number> {
    if (version !== key.version + 1 || key.pending < 1) {
      throw new Error(`${key.name}: reserved version ${version} committed out of order (at ${key.version})`);
    }
    key.pending--;
    this.tally.bump(nodeIndex, TALLY.dbWritesIssued);
    this.oracle.commit(key, version, this.scheduler.nowUs);
    return this.records.write(key.name, value);
  }

  /** Fails the run, in words a user can act on, when the store's version is not the one truth expects. */
  checkAck(key: Key, stored: number, expected: number): void {
    if (stored !== expected) {
      throw new SimulationError(
        `the system of record (${this.records.description}) gave ${JSON.stringify(key.name)} version ` +
          `${stored} where the simulation expected ${expected}: something else is writing to the run's table, ` +
          "or the database lost a write; the run cannot be judged, so it stops",
      );
    }
  }

  private readonly readAnswered = (record: StoredRecord, op: Operation) => {
    op.value = record.value;
    op.version = record.version;
    op.next(op);
  };

  private readonly readAtDatabase = (op: Operation) => {
    this.scheduler.afterResult(this.records.read(op.key.name), op.node.dbHopUs(), this.readAnswered, op);
  };

  private readonly writeAcknowledged = (version: number, op: Operation) => {
    this.checkAck(op.key, version, op.version);
    op.next(op);
  };

  private readonly writeAtDatabase = (op: Operation) => {
    // Every commit goes through here or commitReserved, so truth can name the new version now; the
    // store's answer is checked against it when it arrives.
    const key = op.key;
    if (key.pending > 0) {
      throw new Error(`${key.name}: a direct commit while ${key.pending} write-behind versions are pending`);
    }
    op.version = key.version + 1;
    this.oracle.commit(key, op.version, this.scheduler.nowUs);
    this.scheduler.afterResult(
      this.records.write(key.name, op.value as string),
      op.node.dbHopUs(),
      this.writeAcknowledged,
      op,
    );
  };
}
