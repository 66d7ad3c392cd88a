// The system of record as a real SQLite file (better-sqlite3), which the sqlite3 shell can open after the
// run. better-sqlite3 is synchronous, so reads and writes return plain values and the engine never waits
// on a promise for them, just as with the in-process store. The run writes only to its own table.
//
// Pragmas: WAL with synchronous=OFF. The file is a simulation record, not data to survive a power cut, so
// no fsync per commit; WAL (not an exclusive lock) lets the sqlite3 shell, or another run on the same file,
// read while a run writes. busy_timeout lets two runs that share the file take turns instead of failing.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type FilledData, nonEmpty } from "../../model/filledRange.ts";
import type { Record, RecordStore } from "../../model/ports.ts";
import { firstWrittenVersion, recordSql, unwrittenRecord } from "../recordSql.ts";
import { BackendError, importOptional } from "./backendError.ts";
import { runTableName, type SqliteConfig } from "./config.ts";

/** The part of better-sqlite3's API used here (its types are not a dependency of this project). */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(toggle?: boolean): Statement;
  raw(toggle?: boolean): Statement;
}
interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): unknown;
  readonly open: boolean;
}
type DatabaseConstructor = new (filename: string, options?: { timeout?: number }) => Database;

export const BETTER_SQLITE3_INSTALL =
  "npm install --save-optional better-sqlite3@12 (it builds from source with node-gyp: needs python3, make and a C++ compiler; " +
  "v13 needs Node 22)";

/** How long a write waits for another process's lock on the file before failing. */
const BUSY_TIMEOUT_MS = 5000;

export interface SqliteFileOptions {
  runId: string;
  /** Keep the run's table after close (CACHESIM_KEEP_TABLE=1), for a look with the sqlite3 shell. */
  keepTable: boolean;
  /** Directory a relative path is resolved against; the working directory by default. */
  cwd?: string;
}

let driver: Promise<DatabaseConstructor> | null = null;

/** Loads better-sqlite3 once, or throws a BackendError (code NOT_INSTALLED) that says how to install it. */
export function loadBetterSqlite3(): Promise<DatabaseConstructor> {
  driver ??= importOptional<{ default: DatabaseConstructor }>("better-sqlite3", {
    backend: "sqlite",
    what: "the SQLite file driver better-sqlite3",
    install: BETTER_SQLITE3_INSTALL,
  }).then((module) => module.default);
  // A failed load is not cached: the user may install the module and retry in the same process.
  driver.catch(() => {
    driver = null;
  });
  return driver;
}

/** Words for a SQLite failure on a file: what went wrong and what to do. */
export function explainSqliteError(error: unknown, file: string): BackendError {
  if (error instanceof BackendError) return error;
  const code = String((error as { code?: unknown })?.code ?? "");
  const message = String((error as { message?: unknown })?.message ?? error);
  const make = (text: string, errorCode: string) =>
    new BackendError(`sqlite ${file}: ${text}`, { backend: "sqlite", address: file, code: errorCode });
  if (code === "ENOENT" || code === "ENOTDIR" || code === "EEXIST")
    return make(`cannot create the file's directory (${message})`, code);
  if (code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "EROFS" || code === "EPERM")
    return make(
      `cannot open or create the file (${message}) — check that its directory exists and is writable`,
      code,
    );
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY"))
    return make(
      "the file is read-only — check its permissions (and those of its directory, for the WAL file)",
      code,
    );
  if (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY"))
    return make(`the file stayed locked by another process for ${BUSY_TIMEOUT_MS} ms`, code);
  if (code === "SQLITE_FULL") return make("the disk is full", code);
  if (code === "SQLITE_NOTADB") return make("the file exists but is not a SQLite database", code);
  if (code === "SQLITE_CORRUPT") return make("the database file is corrupt", code);
  if (/bindings file|NODE_MODULE_VERSION|invalid ELF|was compiled against/.test(message)) {
    return new BackendError(
      `the SQLite file driver better-sqlite3 is installed but its native part does not load (${message.split("\n")[0]}); reinstall it: ${BETTER_SQLITE3_INSTALL}`,
      { backend: "sqlite", address: file, code: "NOT_INSTALLED" },
    );
  }
  return make(message, code || "SQLITE");
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdirSync never returns where mkdir answers ENOENT for
 * a parent that exists (as under /proc), and a wrong SQLITE_URL must fail, not hang.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = dir;
  while (!existsSync(current)) {
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const item of missing.reverse()) mkdirSync(item);
}

export class SqliteFileStore implements RecordStore {
  readonly description: string;
  /** The run's table. */
  readonly table: string;
  /** Absolute path of the database file. */
  readonly file: string;
  private readonly db: Database;
  private readonly selectStmt: Statement;
  private readonly upsertStmt: Statement;
  private readonly insertStmt: Statement;
  /** The `data.fill` range, which has no rows (the file holds only the keys written). */
  private filled: FilledData | null = null;
  private readonly dropSql: string;
  private readonly keepTable: boolean;
  private closed = false;

  private constructor(
    db: Database,
    file: string,
    table: string,
    options: SqliteFileOptions,
    shownPath: string,
  ) {
    this.db = db;
    this.file = file;
    this.table = table;
    this.keepTable = options.keepTable;
    this.description = options.keepTable
      ? `sqlite ${shownPath} (table ${table}, kept after the run)`
      : `sqlite ${shownPath}`;
    const sql = recordSql(table);
    db.exec(sql.create);
    this.dropSql = sql.drop;
    this.selectStmt = db.prepare(sql.select).raw(true);
    this.upsertStmt = db.prepare(sql.upsert).pluck(true);
    this.insertStmt = db.prepare(sql.insert);
  }

  static async open(
    config: Extract<SqliteConfig, { kind: "file" }>,
    options: SqliteFileOptions,
  ): Promise<SqliteFileStore> {
    const Database = await loadBetterSqlite3();
    const file = path.resolve(options.cwd ?? process.cwd(), config.path);
    let db: Database | null = null;
    try {
      makeDirectories(path.dirname(file));
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = OFF");
      return new SqliteFileStore(db, file, runTableName(options.runId), options, config.path);
    } catch (error) {
      try {
        db?.close();
      } catch {
        // Already failing; the first error is the one worth reporting.
      }
      throw explainSqliteError(error, config.path);
    }
  }

  seed(entries: Iterable<readonly [string, string]>): void {
    const insert = this.insertStmt;
    this.guard(() =>
      this.db.transaction(() => {
        for (const [key, value] of entries) insert.run(key, value);
      })(),
    );
  }

  fill(range: FilledData): void {
    this.filled = nonEmpty(range);
  }

  read(key: string): Record {
    const row = this.guard(() => this.selectStmt.get(key)) as [string | null, number] | undefined;
    if (!row) return unwrittenRecord(this.filled, key);
    return { value: row[0], version: row[1] };
  }

  write(key: string, value: string): number {
    const firstVersion = firstWrittenVersion(this.filled, key);
    return this.guard(() => this.upsertStmt.get(key, value, firstVersion)) as number;
  }

  /** Run tables other than this run's: kept on purpose (CACHESIM_KEEP_TABLE) or left by a killed run. */
  otherRunTables(): string[] {
    const rows = this.guard(() =>
      this.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cachesim\\_%' ESCAPE '\\' ORDER BY name",
        )
        .pluck(true)
        .all(),
    ) as string[];
    return rows.filter((name) => name !== this.table);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown = null;
    try {
      if (!this.keepTable) this.db.exec(this.dropSql);
    } catch (error) {
      failure = error;
    }
    try {
      // Closing the last connection checkpoints the WAL into the file, so the sqlite3 shell sees every row.
      this.db.close();
    } catch (error) {
      failure ??= error;
    }
    if (failure) {
      const reason = explainSqliteError(failure, this.file).message;
      throw new BackendError(`could not remove the run's table ${this.table}: ${reason}`, {
        backend: "sqlite",
        address: this.file,
        code: "CLEANUP_FAILED",
      });
    }
  }

  private guard<T>(fn: () => T): T {
    if (this.closed)
      throw new BackendError(`${this.description}: used after close`, { backend: "sqlite", code: "CLOSED" });
    try {
      return fn();
    } catch (error) {
      throw explainSqliteError(error, this.file);
    }
  }
}
