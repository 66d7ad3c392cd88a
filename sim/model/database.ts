// The database tier: the system of record (a RecordStore) and the truth about it (the Oracle), owned
// together so that nothing can commit without truth seeing it. A commit's version is assigned here at the
// instant the write reaches the database (the linearisation point); the store's answer is checked
// against it when it arrives. Acknowledgement is separate from commit: write-behind reserves a version
// when the cache acknowledges and commits it later, and truth follows the real commit.
import type { MaybePromise, RecordStore, Record as StoredRecord } from "../backends/types.ts";
import { type Scheduler, SimulationError } from "../core/scheduler.ts";
import { abandon, type Link, type RequestFaults } from "./link.ts";
import type { Operation } from "./operation.ts";
import type { Key, Oracle } from "./oracle.ts";
import { TALLY, type Tally } from "./tally.ts";

export class Database {
  /** Set when the run has faults; null keeps requests on the exact fault-free path. */
  private faults: RequestFaults | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly records: RecordStore,
    readonly oracle: Oracle,
    private readonly tally: Tally,
  ) {}

  /** Turns on timeouts and crash checks for every request from now on (the fault schedule does). */
  enableFaults(faults: RequestFaults): void {
    this.faults = faults;
  }

  /**
   * Reads the key's row into op.value / op.version, then runs `next` back at the node. With faults the
   * request may time out: `next` then runs at the deadline with op.failed set.
   */
  read(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbReadsIssued);
    if (this.faults === null) this.scheduler.after(op.node.databaseLink.hopUs(), this.readAtDatabase, op);
    else this.send(op, this.readCommand, this.readAnswered);
  }

  /** Commits op.value, sets op.version to the new version, then runs `next` back at the node. */
  write(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbWritesIssued);
    if (this.faults === null) this.scheduler.after(op.node.databaseLink.hopUs(), this.writeAtDatabase, op);
    else this.send(op, this.writeCommand, this.writeAcknowledged);
  }

  // -- with faults ---------------------------------------------------------------------------------

  private send(
    op: Operation,
    command: (op: Operation) => MaybePromise<unknown>,
    onAnswer: (answer: never, op: Operation) => void,
  ): void {
    const link = op.node.databaseLink;
    if (op.epoch !== op.node.epoch) {
      (this.faults as RequestFaults).dropped(op);
      return;
    }
    op.command = command;
    op.onAnswer = onAnswer as (answer: unknown, op: Operation) => void;
    op.failed = false;
    op.sentUs = this.scheduler.nowUs;
    if (link.delivers()) this.scheduler.after(link.hopUs(), this.atDatabaseFaulty, op);
    else this.scheduler.after((this.faults as RequestFaults).timeoutUs, this.timedOut, op);
  }

  /** At the database: the command runs (a write commits) even if its sender gives up before the answer. */
  private readonly atDatabaseFaulty = (op: Operation) => {
    const faults = this.faults as RequestFaults;
    const nowUs = this.scheduler.nowUs;
    const deadlineUs = op.sentUs + faults.timeoutUs;
    const link: Link = op.node.databaseLink;
    if (link.up) {
      const answer = op.command(op);
      if (link.delivers()) {
        const backUs = link.hopUs();
        if (nowUs + backUs < deadlineUs) {
          this.scheduler.afterResult(answer, backUs, this.answeredFaulty, op);
          return;
        }
      }
      // Nobody waits for this answer; a write's version is still checked, so a lost write still fails.
      if (op.command === this.writeCommand)
        this.scheduler.afterResult(answer as MaybePromise<number>, 0, this.checkAbandoned, op);
      else abandon(answer);
    }
    this.scheduler.at(Math.max(deadlineUs, nowUs), this.timedOut, op);
  };

  private readonly readCommand = (op: Operation) => this.records.read(op.key.name);

  private readonly writeCommand = (op: Operation) => {
    this.commit(op);
    return this.records.write(op.key.name, op.value as string);
  };

  private readonly checkAbandoned = (version: number, op: Operation) =>
    this.checkAck(op.key, version, op.version);

  private readonly answeredFaulty = (answer: unknown, op: Operation) => {
    if (op.epoch !== op.node.epoch) {
      (this.faults as RequestFaults).dropped(op);
      return;
    }
    op.onAnswer(answer, op);
  };

  private readonly timedOut = (op: Operation) => {
    const faults = this.faults as RequestFaults;
    if (op.epoch !== op.node.epoch) {
      faults.dropped(op);
      return;
    }
    op.failed = true;
    op.servedBy = "database";
    faults.timedOut(op, "database");
    op.next(op);
  };

  /**
   * Reserves the key's next version for a write acknowledged before it commits (write-behind). Reserved
   * versions commit in the order they were reserved, through commitReserved.
   */
  reserve(key: Key): number {
    key.pending++;
    return key.version + key.pending;
  }

  /**
   * Gives back a reserved version that will never commit (a write-behind write lost in a crash); the
   * caller renumbers the key's later reserved versions.
   */
  unreserve(key: Key): void {
    if (key.pending < 1) throw new Error(`${key.name}: no reserved version to give back`);
    key.pending--;
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

  /** Every direct commit goes through here: truth names the new version at this instant. */
  private commit(op: Operation): void {
    const key = op.key;
    if (key.pending > 0) {
      throw new Error(`${key.name}: a direct commit while ${key.pending} write-behind versions are pending`);
    }
    op.version = key.version + 1;
    this.oracle.commit(key, op.version, this.scheduler.nowUs);
  }

  private readonly readAnswered = (record: StoredRecord, op: Operation) => {
    op.value = record.value;
    op.version = record.version;
    op.next(op);
  };

  private readonly readAtDatabase = (op: Operation) => {
    this.scheduler.afterResult(
      this.records.read(op.key.name),
      op.node.databaseLink.hopUs(),
      this.readAnswered,
      op,
    );
  };

  private readonly writeAcknowledged = (version: number, op: Operation) => {
    this.checkAck(op.key, version, op.version);
    op.next(op);
  };

  private readonly writeAtDatabase = (op: Operation) => {
    // Every commit goes through commit() or commitReserved, so truth can name the new version now; the
    // store's answer is checked against it when it arrives.
    this.commit(op);
    this.scheduler.afterResult(
      this.records.write(op.key.name, op.value as string),
      op.node.databaseLink.hopUs(),
      this.writeAcknowledged,
      op,
    );
  };
}
