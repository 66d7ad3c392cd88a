// In-process system of record: SQLite compiled to WebAssembly (sql.js), fully synchronous.
// Default pragmas make every statement pay for a rollback journal it can never use in memory, so
// they are switched off; the data still lives in a real SQLite database with real SQL.
//
// The page cache lives in the WebAssembly heap, which grows but never shrinks, and duplicates the
// database file (itself kept in memory by sql.js). 8 MiB holds the benchmark's whole database (100,000
// keys: about 3 MiB) as fast as 64 MiB did; a larger key space pays a little time on cold pages instead
// of keeping up to 64 MiB more for the rest of the process (1,000,000 keys: 50 MiB less kept, +19 % CPU
// on uniformly random access).
import initSqlJs, { type Database, type SqlJsStatic, type Statement } from "sql.js";
import { KeptForNextRun, keepingBetweenRuns } from "../core/betweenRuns.ts";
import { type FilledData, nonEmpty } from "../model/filledRange.ts";
import type { Record, RecordStore } from "../model/ports.ts";
import { firstWrittenVersion, recordSql, unwrittenRecord } from "./recordSql.ts";

let sqlJs: Promise<SqlJsStatic> | null = null;

/** sql.js compiles its WebAssembly once per process; every run after the first reuses it. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/** An open database with its table and statements, ready for a run. */
interface Connection {
  db: Database;
  selectStmt: Statement;
  versionStmt: Statement;
  updateStmt: Statement;
  insertStmt: Statement;
}

/**
 * The last run's database, emptied, for the next run in this thread while runs are kept for the runs
 * after them (keepBetweenRuns: a sweep, between its points). Opening one, with its pragmas, table and
 * four statements, and closing it again took about 1.3 ms a run, a tenth of a short point.
 */
const spare = new KeptForNextRun<Connection>(closeConnection);

function openConnection(SQL: SqlJsStatic): Connection {
  const db = new SQL.Database();
  db.run(
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; " +
      "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -8192;",
  );
  const sql = recordSql("records");
  db.run(sql.create);
  return {
    db,
    selectStmt: db.prepare(sql.select),
    versionStmt: db.prepare(sql.selectVersion),
    updateStmt: db.prepare(sql.updateAt),
    insertStmt: db.prepare(sql.insertAt),
  };
}

function closeConnection(c: Connection): void {
  c.selectStmt.free();
  c.versionStmt.free();
  c.updateStmt.free();
  c.insertStmt.free();
  c.db.close();
}

export class MemoryRecordStore implements RecordStore {
  readonly description = "in-process SQLite (sql.js)";
  private readonly db: Database;
  private readonly selectStmt: Statement;
  private readonly versionStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly insertStmt: Statement;
  /** The `data.fill` range, which has no rows; consulted only for a key that has none. */
  private filled: FilledData | null = null;
  private closed = false;
  /**
   * Parameter lists, one per statement, filled in before each bind: sql.js reads them in bind() and
   * keeps nothing, so the point reads and writes need not make an array each.
   */
  private readonly keyParam: [string] = [""];
  private readonly updateParams: [string, number, string] = ["", 0, ""];
  private readonly insertParams: [string, string, number] = ["", "", 0];

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
    const SQL = await loadSqlJs();
    return new MemoryRecordStore(spare.take() ?? openConnection(SQL));
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
    const params = this.keyParam;
    params[0] = key;
    stmt.bind(params);
    try {
      if (!stmt.step()) return unwrittenRecord(this.filled, key);
      const row = stmt.get();
      return { value: row[0] as string | null, version: row[1] as number };
    } finally {
      stmt.reset();
    }
  }

  write(key: string, value: string): number {
    if (!this.inTransaction) this.begin();
    // The row's version, then the row rewritten at the next one: nothing runs in between (see
    // recordSql's selectVersion).
    const select = this.versionStmt;
    const keyParam = this.keyParam;
    keyParam[0] = key;
    select.bind(keyParam);
    let current = 0;
    try {
      if (select.step()) current = select.get()[0] as number;
    } finally {
      select.reset();
    }
    if (current === 0) {
      const version = firstWrittenVersion(this.filled, key);
      this.insertRow(key, value, version);
      return version;
    }
    const update = this.updateStmt;
    const params = this.updateParams;
    params[0] = value;
    params[1] = current + 1;
    params[2] = key;
    update.bind(params);
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
    const params = this.insertParams;
    params[0] = key;
    params[1] = value;
    params[2] = version;
    insert.bind(params);
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
