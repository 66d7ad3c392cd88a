// In-process system of record: SQLite compiled to WebAssembly (sql.js), fully synchronous.
// Default pragmas make every statement pay for a rollback journal it can never use in memory, so
// they are switched off; the data still lives in a real SQLite database with real SQL.
//
// The page cache lives in the WebAssembly heap, which grows but never shrinks, and duplicates the
// database file (itself kept in memory by sql.js). 8 MiB holds the benchmark's whole database (100,000
// keys: about 3 MiB) as fast as 64 MiB did; a larger key space pays a little time on cold pages instead
// of keeping up to 64 MiB more for the rest of the process (1,000,000 keys: 50 MiB less kept, +19 % CPU
// on uniformly random access).
import type { Database } from "sql.js";
import { KeptForNextRun, keepingBetweenRuns } from "../core/betweenRuns.ts";
import { type FilledData, nonEmpty } from "../model/filledRange.ts";
import type { Record, RecordStore } from "../model/ports.ts";
import { firstWrittenVersion, recordSql, unwrittenRecord } from "./recordSql.ts";
import { loadSqlite, type PointStatement, prepareStatement, type SqliteRuntime } from "./sqliteStatement.ts";

/**
 * An open database with its table and statements, ready for a run. The four point statements, one
 * or two a request, run through SQLite's C functions (sqliteStatement.ts); everything else, set-up,
 * seeding and transactions, through sql.js's Database.
 */
interface Connection {
  db: Database;
  selectStmt: PointStatement;
  versionStmt: PointStatement;
  updateStmt: PointStatement;
  insertStmt: PointStatement;
}

/**
 * The last run's database, emptied, for the next run in this thread while runs are kept for the runs
 * after them (keepBetweenRuns: a sweep, between its points). Opening one, with its pragmas, table and
 * four statements, and closing it again took about 1.3 ms a run, a tenth of a short point.
 */
const spare = new KeptForNextRun<Connection>(closeConnection);

function openConnection(rt: SqliteRuntime): Connection {
  const db = new rt.SQL.Database();
  db.run(
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; " +
      "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -8192;",
  );
  const sql = recordSql("records");
  db.run(sql.create);
  return {
    db,
    selectStmt: prepareStatement(rt, db, sql.select),
    versionStmt: prepareStatement(rt, db, sql.selectVersion),
    updateStmt: prepareStatement(rt, db, sql.updateAt),
    insertStmt: prepareStatement(rt, db, sql.insertAt),
  };
}

function closeConnection(c: Connection): void {
  c.selectStmt.finalize();
  c.versionStmt.finalize();
  c.updateStmt.finalize();
  c.insertStmt.finalize();
  c.db.close();
}

export class MemoryRecordStore implements RecordStore {
  readonly description = "in-process SQLite (sql.js)";
  private readonly db: Database;
  private readonly selectStmt: PointStatement;
  private readonly versionStmt: PointStatement;
  private readonly updateStmt: PointStatement;
  private readonly insertStmt: PointStatement;
  /** The `data.fill` range, which has no rows; consulted only for a key that has none. */
  private filled: FilledData | null = null;
  private closed = false;
  private readonly connection: Connection;

  private constructor(connection: Connection) {
    this.connection = connection;
    this.db = connection.db;
    this.selectStmt = connection.selectStmt;
    this.versionStmt = connection.versionStmt;
    this.updateStmt = connection.updateStmt;
    this.insertStmt = connection.insertStmt;
  }

  static async open(): Promise<MemoryRecordStore> {
    const rt = await loadSqlite();
    return new MemoryRecordStore(spare.take() ?? openConnection(rt));
  }

  seed(entries: Iterable<readonly [string, string]>): void {
    // A seed is a transaction of its own, all or nothing (without a journal, only a whole transaction
    // can be rolled back, not a savepoint), so the one reads and writes keep open ends first.
    if (this.inTransaction) {
      this.db.run("COMMIT");
      this.inTransaction = false;
    }
    this.db.run("BEGIN");
    try {
      for (const [key, value] of entries) this.insertRow(key, value, 1);
      this.db.run("COMMIT");
    } catch (error) {
      this.db.run("ROLLBACK");
      throw error;
    }
  }

  fill(range: FilledData): void {
    this.filled = nonEmpty(range);
  }

  /**
   * Reads and writes run in one transaction that stays open until the store closes. Nothing outside
   * the process can see this database, so committing each statement would only copy the pages a write
   * changed (and the file header) into sql.js's in-memory file; every statement sees every earlier one.
   */
  private inTransaction = false;

  read(key: string): Record {
    if (!this.inTransaction) this.begin();
    const stmt = this.selectStmt;
    stmt.bindText(1, key);
    try {
      if (!stmt.step()) return unwrittenRecord(this.filled, key);
      return { value: stmt.textAt(0), version: stmt.numberAt(1) };
    } finally {
      stmt.reset();
    }
  }

  write(key: string, value: string): number {
    if (!this.inTransaction) this.begin();
    // The row's version, then the row rewritten at the next one: nothing runs in between (see
    // recordSql's selectVersion).
    const select = this.versionStmt;
    select.bindText(1, key);
    let current = 0;
    try {
      if (select.step()) current = select.numberAt(0);
    } finally {
      select.reset();
    }
    if (current === 0) {
      const version = firstWrittenVersion(this.filled, key);
      this.insertRow(key, value, version);
      return version;
    }
    const update = this.updateStmt;
    update.bindText(1, value);
    update.bindNumber(2, current + 1);
    update.bindText(3, key);
    try {
      update.step();
    } finally {
      update.reset();
    }
    return current + 1;
  }

  private begin(): void {
    this.db.run("BEGIN");
    this.inTransaction = true;
  }

  /** A key's first row. */
  private insertRow(key: string, value: string, version: number): void {
    const insert = this.insertStmt;
    insert.bindText(1, key);
    insert.bindText(2, value);
    insert.bindNumber(3, version);
    try {
      insert.step();
    } finally {
      insert.reset();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Emptied only when it can be kept: a single run's database is simply closed.
    if (!keepingBetweenRuns() || !this.emptied() || !spare.offer(this.connection))
      closeConnection(this.connection);
  }

  /** Ends the run's transaction and deletes every row, for the next run; false if that failed. */
  private emptied(): boolean {
    try {
      if (this.inTransaction) this.db.run("COMMIT");
      this.inTransaction = false;
      this.db.run("DELETE FROM records");
      return true;
    } catch {
      return false;
    }
  }
}
