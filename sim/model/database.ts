// The database tier: the system of record (a RecordStore) and the truth about it (the Oracle), owned
// together so that nothing can commit without truth seeing it. A commit's version is assigned here at the
// instant the write reaches the database (the linearisation point); the store's answer is checked
// against it when it arrives. Acknowledgement is separate from commit: write-behind reserves a version
// when the cache acknowledges and commits it later, and truth follows the real commit.

import { Resource } from "../core/resource.ts";
import { type Scheduler, SimulationError } from "../core/scheduler.ts";
import type { DatabaseStats } from "./databaseStats.ts";
import type { LatencySampler } from "./latency.ts";
import type { Link } from "./link.ts";
import { DATABASE_LANE, type MessageTap, nodeLane } from "./messageTap.ts";
import type { Operation } from "./operation.ts";
import { type Key, type Oracle, sharedValue } from "./oracle.ts";
import type { MaybePromise, RecordStore, Record as StoredRecord } from "./ports.ts";
import { abandon, answerInTime, type RequestFaults, timeOut } from "./requestFaults.ts";
import { TALLY, type Tally } from "./tally.ts";

export class Database {
  /** Set when the run has faults; null keeps requests on the exact fault-free path. */
  private faults: RequestFaults | null = null;
  /** The database as a resource (connections, service time); null: unlimited and instant, as before. */
  private pool: Resource | null = null;
  private serviceUs: LatencySampler = noService;
  private stats: DatabaseStats | null = null;
  /** Whether every request takes the general path (faults, or the database as a resource). */
  private general = false;
  /** Told of every request and answer when the run is drawn as a sequence diagram; null otherwise. */
  private tap: MessageTap | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly records: RecordStore,
    readonly oracle: Oracle,
    private readonly tally: Tally,
  ) {}

  /** Turns on timeouts and crash checks for every request from now on (the fault schedule does). */
  enableFaults(faults: RequestFaults): void {
    this.faults = faults;
    this.general = true;
  }

  /** From now on every request and answer is told to `tap` (it only observes). */
  tapMessages(tap: MessageTap): void {
    this.tap = tap;
  }

  /** op's read or write reached the database at arrivedUs (null: it never did); its answer leaves now. */
  private tapRequest(op: Operation, write: boolean, arrivedUs: number | null, note: string): void {
    const tap = this.tap;
    if (tap === null) return;
    const what = write ? `WRITE ${op.key.name} = ${op.value ?? "(absent)"}` : `READ ${op.key.name}`;
    tap.message(op.opId, nodeLane(op.node.name), DATABASE_LANE, what, op.tapSentUs, arrivedUs, note);
    op.tapSentUs = this.scheduler.nowUs;
  }

  /** The answer to op's request is back at its node now (arrived) or will never be (lost). */
  private tapAnswer(op: Operation, what: string, arrived: boolean, note: string): void {
    const arrivedUs = arrived ? this.scheduler.nowUs : null;
    this.tap?.message(op.opId, DATABASE_LANE, nodeLane(op.node.name), what, op.tapSentUs, arrivedUs, note);
  }

  /**
   * Makes the database a resource: at most `connections` requests are served at once (the others queue,
   * first come first served) and each takes a service time drawn from `service` (its own stream).
   */
  useResource(connections: number, service: LatencySampler, stats: DatabaseStats): void {
    this.pool = new Resource(this.scheduler, connections, { name: "database connections" });
    this.serviceUs = service;
    this.stats = stats;
    this.general = true;
  }

  /**
   * Reads the key's row into op.value / op.version, then runs `next` back at the node. With faults the
   * request may time out: `next` then runs at the deadline with op.failed set.
   */
  read(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbReadsIssued);
    if (this.tap !== null) op.tapSentUs = this.scheduler.nowUs;
    if (!this.general) this.scheduler.after(op.node.databaseLink.hopUs(), this.readAtDatabase, op);
    else this.send(op, this.readCommand, this.readAnswered);
  }

  /** Commits op.value, sets op.version to the new version, then runs `next` back at the node. */
  write(op: Operation, next: (op: Operation) => void): void {
    op.next = next;
    this.tally.bump(op.node.index, TALLY.dbWritesIssued);
    if (this.tap !== null) op.tapSentUs = this.scheduler.nowUs;
    if (!this.general) this.scheduler.after(op.node.databaseLink.hopUs(), this.writeAtDatabase, op);
    else this.send(op, this.writeCommand, this.writeAcknowledged);
  }

  // -- with faults or the database as a resource ----------------------------------------------------

  private send(
    op: Operation,
    command: (op: Operation) => MaybePromise<unknown>,
    onAnswer: (answer: never, op: Operation) => void,
  ): void {
    const link = op.node.databaseLink;
    const faults = this.faults;
    if (faults !== null && op.epoch !== op.node.epoch) {
      faults.dropped(op);
      return;
    }
    op.command = command;
    op.onAnswer = onAnswer as (answer: unknown, op: Operation) => void;
    op.failed = false;
    op.sentUs = this.scheduler.nowUs;
    if (faults !== null) {
      // The node gives up at the deadline, wherever the request is (lost, queued, in service, on its way
      // back); an answer in time cancels it.
      op.timeoutHandle = this.scheduler.after(faults.timeoutUs, this.timedOut, op);
      faults.awaiting(op, op.timeoutHandle);
      if (!link.delivers()) {
        this.tapRequest(op, command === this.writeCommand, null, `lost on the link ${link.name}`);
        return;
      }
    }
    this.scheduler.after(link.hopUs(), this.atDatabase, op);
  }

  /**
   * At the database: the request waits for a connection (if the database is a resource), then its
   * command runs (a write commits) and takes its service time, even if its sender has given up.
   */
  private readonly atDatabase = (op: Operation) => {
    const write = op.command === this.writeCommand;
    if (this.faults !== null && !op.node.databaseLink.up) {
      // lost on the way: the timeout fires
      this.tapRequest(op, write, null, `the link ${op.node.databaseLink.name} is down`);
      return;
    }
    // With the database as a resource, the request may wait for a connection here before it runs.
    this.tapRequest(op, write, this.scheduler.nowUs, "");
    if (this.pool === null) this.serve(op);
    else this.queue(op.node.index, this.granted, op);
  };

  /** A request reaches the pool (counted under the node's db_requests) and waits for a connection. */
  private queue<A>(nodeIndex: number, granted: (arg: A, waitUs: number) => void, arg: A): void {
    (this.stats as DatabaseStats).arrived(this.scheduler.nowUs);
    this.tally.bump(nodeIndex, TALLY.dbRequests);
    (this.pool as Resource).acquire(granted, arg);
  }

  /** A connection was granted after waitUs: the wait and the connections in use are recorded. */
  private recordGrant(nodeIndex: number, waitUs: number): void {
    const inUse = (this.pool as Resource).inUse;
    const stats = this.stats as DatabaseStats;
    stats.waited(this.scheduler.nowUs, waitUs);
    stats.inUse(inUse);
    this.tally.databaseWait(nodeIndex, waitUs, inUse);
  }

  private readonly granted = (op: Operation, waitUs: number) => {
    this.recordGrant(op.node.index, waitUs);
    this.serve(op);
  };

  private serve(op: Operation): void {
    const answer = op.command(op);
    const serviceUs = this.serviceUs();
    if (this.pool === null && serviceUs === 0) this.reply(answer, op);
    else this.scheduler.afterResultNoHandle(answer, serviceUs, this.served, op);
  }

  private readonly served = (answer: unknown, op: Operation) => {
    this.pool?.release();
    this.reply(answer, op);
  };

  /** Sends the answer back; with faults it counts only if the link delivers it before the deadline. */
  private reply(answer: unknown, op: Operation): void {
    const faults = this.faults;
    const link: Link = op.node.databaseLink;
    if (this.tap !== null) op.tapSentUs = this.scheduler.nowUs;
    if (faults === null) {
      this.scheduler.afterResultNoHandle(answer, link.hopUs(), op.onAnswer, op);
      return;
    }
    if (link.delivers()) {
      const backUs = link.hopUs();
      if (
        this.scheduler.nowUs + backUs < op.sentUs + faults.timeoutUs &&
        this.scheduler.cancel(op.timeoutHandle)
      ) {
        faults.awaiting(op, this.scheduler.afterResult(answer, backUs, this.answeredFaulty, op));
        return;
      }
    }
    if (this.tap !== null) this.tapAnswer(op, "answer", false, "lost, or too late for the sender's timeout");
    // Nobody waits for this answer; a write's version is still checked, so a store that lost it fails the run.
    if (op.command === this.writeCommand)
      this.scheduler.afterResultNoHandle(answer as MaybePromise<number>, 0, this.checkAbandoned, op);
    else abandon(answer);
  }

  private readonly readCommand = (op: Operation) => this.records.read(op.key.name);

  private readonly writeCommand = (op: Operation) => {
    this.commit(op);
    return this.records.write(op.key.name, op.value as string);
  };

  private readonly checkAbandoned = (version: number, op: Operation) =>
    this.checkAck(op.key, version, op.version);

  private readonly answeredFaulty = (answer: unknown, op: Operation) =>
    answerInTime(this.faults as RequestFaults, answer, op);

  private readonly timedOut = (op: Operation) =>
    timeOut(this.faults as RequestFaults, op, "database", "database");

  /**
   * Reserves the key's next version for a write acknowledged before it commits (write-behind). Reserved
   * versions commit in the order they were reserved, through commitReserved.
   */
  reserve(key: Key): number {
    return key.version + this.oracle.reserve(key);
  }

  /**
   * Gives back a reserved version that will never commit (a write-behind write lost in a crash); the
   * caller renumbers the key's later reserved versions.
   */
  unreserve(key: Key): void {
    if (this.oracle.pending(key) < 1) throw new Error(`${key.name}: no reserved version to give back`);
    this.oracle.release(key);
  }

  /**
   * Commits a reserved version now (the flusher is at the database): truth learns of it at this instant.
   * Returns the store's answer, which the caller checks with `checkAck` when it is delivered.
   */
  commitReserved(key: Key, value: string, version: number, nodeIndex: number): MaybePromise<number> {
    if (version !== key.version + 1 || this.oracle.pending(key) < 1) {
      throw new Error(`${key.name}: reserved version ${version} committed out of order (at ${key.version})`);
    }
    this.oracle.release(key);
    this.tally.bump(nodeIndex, TALLY.dbWritesIssued);
    this.oracle.commit(key, version, this.scheduler.nowUs, value);
    return this.records.write(key.name, value);
  }

  /**
   * A batch from the write-behind flusher, which sits at the database (no link): `commit` runs at once,
   * or, with the database as a resource, once a connection is free, which the batch then holds for one
   * service time like any request. It counts as one request of the node whose write leads the batch.
   */
  flushBatch(nodeIndex: number, commit: () => void): void {
    if (this.pool === null) commit();
    else this.queue(nodeIndex, this.flushGranted, { nodeIndex, commit });
  }

  private readonly flushGranted = (batch: { nodeIndex: number; commit: () => void }, waitUs: number) => {
    this.recordGrant(batch.nodeIndex, waitUs);
    batch.commit();
    this.scheduler.after(this.serviceUs(), this.releaseConnection);
  };

  private readonly releaseConnection = () => (this.pool as Resource).release();

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
    const pending = this.oracle.pending(key);
    if (pending > 0) {
      throw new Error(`${key.name}: a direct commit while ${pending} write-behind versions are pending`);
    }
    op.version = key.version + 1;
    this.oracle.commit(key, op.version, this.scheduler.nowUs, op.value);
  }

  private readonly readAnswered = (record: StoredRecord, op: Operation) => {
    op.value = sharedValue(op.key, record.version, record.value);
    op.version = record.version;
    if (this.tap !== null) this.tapAnswer(op, `${op.value ?? "(absent)"} v${op.version}`, true, "");
    op.next(op);
  };

  private readonly readAtDatabase = (op: Operation) => {
    if (this.tap !== null) this.tapRequest(op, false, this.scheduler.nowUs, "");
    this.scheduler.afterResultNoHandle(
      this.records.read(op.key.name),
      op.node.databaseLink.hopUs(),
      this.readAnswered,
      op,
    );
  };

  private readonly writeAcknowledged = (version: number, op: Operation) => {
    this.checkAck(op.key, version, op.version);
    if (this.tap !== null) this.tapAnswer(op, `committed v${op.version}`, true, "");
    op.next(op);
  };

  private readonly writeAtDatabase = (op: Operation) => {
    // Every commit goes through commit() or commitReserved, so truth can name the new version now; the
    // store's answer is checked against it when it arrives.
    this.commit(op);
    if (this.tap !== null) this.tapRequest(op, true, this.scheduler.nowUs, `commits v${op.version}`);
    this.scheduler.afterResultNoHandle(
      this.records.write(op.key.name, op.value as string),
      op.node.databaseLink.hopUs(),
      this.writeAcknowledged,
      op,
    );
  };
}

const noService: LatencySampler = () => 0;
