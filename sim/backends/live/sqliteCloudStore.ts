// The system of record on SQLite Cloud, through its official driver (@sqlitecloud/drivers), with the same
// table layout and SQL as every other store. What the driver does and does not do shapes this file:
//  - it runs one command at a time per connection, strictly in the order issued, so the engine's calls
//    keep their order without any help (and cannot pipeline: each costs one round trip);
//  - it has no connect timeout (a silent host would hang the run), so one is added here;
//  - it prints its own errors with console.error, stack traces and all; while a connection is open
//    those lines (and only those: they start with the driver's own prefixes) are kept off the console,
//    and every failure is reported once, redacted, as a BackendError instead.
import { type FilledData, nonEmpty } from "../../model/filledRange.ts";
import type { Record, RecordStore } from "../../model/ports.ts";
import { firstWrittenVersion, recordSql, unwrittenRecord } from "../recordSql.ts";
import { BackendError, importOptional } from "./backendError.ts";
import { DEFAULT_COMMAND_TIMEOUT_MS, runTableName, type SqliteConfig } from "./config.ts";
import { redact } from "./redact.ts";

export type SqliteCloudConfig = Extract<SqliteConfig, { kind: "cloud" }>;

/** The part of the driver's Database used here (typed locally: the module is optional). */
export interface CloudDatabase {
  sql(query: string, ...params: unknown[]): Promise<unknown>;
  close(callback?: (error: Error | null) => void): void;
}
type CloudDatabaseConstructor = new (
  config: { connectionstring: string },
  callback: (error: Error | null) => void,
) => CloudDatabase;

export const SQLITECLOUD_INSTALL = "npm install --save-optional @sqlitecloud/drivers";

export interface SqliteCloudOptions {
  runId: string;
  keepTable: boolean;
  connectTimeoutMs: number;
  /** How long one statement may go unanswered before the run ends (the driver itself waits for ever). */
  commandTimeoutMs?: number;
}

let driver: Promise<CloudDatabaseConstructor> | null = null;

export function loadSqliteCloudDriver(): Promise<CloudDatabaseConstructor> {
  driver ??= importOptional<{ Database: CloudDatabaseConstructor }>("@sqlitecloud/drivers", {
    backend: "sqlitecloud",
    what: "the SQLite Cloud driver @sqlitecloud/drivers",
    install: SQLITECLOUD_INSTALL,
  }).then((module) => module.Database);
  driver.catch(() => {
    driver = null;
  });
  return driver;
}

// ---------------------------------------------------------------------------------------------------------
// Keeping the driver's own console output off the terminal

const DRIVER_LOG_PREFIXES = ["SQLiteCloud", "processCommands", "-> ", "<- "];
const CONSOLE_METHODS = ["error", "warn", "log", "debug"] as const;
let muteCount = 0;
let savedConsole: { [name in (typeof CONSOLE_METHODS)[number]]?: (...args: unknown[]) => void } = {};

/** Filters the driver's lines out of the console until the returned function is called. Nests. */
export function muteDriverConsole(): () => void {
  if (muteCount++ === 0) {
    for (const name of CONSOLE_METHODS) {
      const original = console[name];
      savedConsole[name] = original;
      console[name] = (...args: unknown[]) => {
        const first = args[0];
        if (typeof first === "string" && DRIVER_LOG_PREFIXES.some((prefix) => first.startsWith(prefix)))
          return;
        original.apply(console, args);
      };
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--muteCount === 0) {
      for (const name of CONSOLE_METHODS) {
        const original = savedConsole[name];
        if (original) console[name] = original;
      }
      savedConsole = {};
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// Errors

interface DriverError {
  message?: string;
  errorCode?: string;
  code?: string;
  cause?: unknown;
}

const CONNECTION_CODES = new Set([
  "ERR_CONNECTION_ERROR",
  "ERR_CONNECTION_ENDED",
  "ERR_CONNECTION_CLOSED",
  "ERR_CONNECTION_TIMEOUT",
  "ERR_CONNECTION_NOT_ESTABLISHED",
]);

/** True when the error means the connection is gone (as opposed to one statement failing). */
export function isConnectionError(error: unknown): boolean {
  const e = error as DriverError | undefined;
  return (
    CONNECTION_CODES.has(String(e?.errorCode ?? "")) ||
    /Connection unavailable/i.test(String(e?.message ?? ""))
  );
}

/** What went wrong with SQLite Cloud, in words for a person, naming the server but never the apikey. */
export function explainSqliteCloudError(error: unknown, config: SqliteCloudConfig): BackendError {
  if (error instanceof BackendError) return error;
  const e = error as DriverError | undefined;
  const cause = e?.cause as DriverError | undefined;
  const code = String(cause?.code ?? e?.code ?? e?.errorCode ?? "");
  const message = redact(String(e?.message ?? error));
  const causeMessage = cause?.message ? redact(String(cause.message)) : "";
  const make = (text: string, errorCode: string) =>
    new BackendError(`${config.description}: ${text}`, {
      backend: "sqlitecloud",
      address: config.description,
      code: errorCode,
    });
  if (code === "ECONNREFUSED") return make("connection refused — check the host and the port", code);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return make("the host name does not resolve", code);
  if (code === "ECONNRESET") return make("the server reset the connection", code);
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /wrong version number/i.test(causeMessage))
    return make(`TLS handshake failed (${causeMessage || code}) — is this a SQLite Cloud TLS port?`, "TLS");
  if (/auth|apikey|api key|password|credential|not authorized|unauthori[sz]ed/i.test(message))
    return make(`the server refused the credentials (${message}) — check the apikey in SQLITE_URL`, "AUTH");
  if (
    /database.*(not found|does not exist|doesn't exist)|no such database|unable to open database/i.test(
      message,
    )
  )
    return make(`the database does not exist or cannot be opened (${message})`, "NO_DATABASE");
  if (isConnectionError(error)) {
    const detail = causeMessage ? `${message}: ${causeMessage}` : message;
    return make(`connection lost (${detail})`, String(e?.errorCode ?? "CONNECTION_LOST"));
  }
  return make(message, String(e?.errorCode ?? code ?? "SQLITECLOUD") || "SQLITECLOUD");
}

// ---------------------------------------------------------------------------------------------------------
// Connecting

/** Drops a connection whose open never finished: the driver's close() would queue behind the open. */
function abandon(db: CloudDatabase | null): void {
  const internal = db as unknown as { connection?: { close(): void } | null } | null;
  try {
    internal?.connection?.close();
  } catch {
    // Best effort: the object is being thrown away.
  }
}

/**
 * Opens a connection and authenticates within the connect timeout, or throws a BackendError naming the
 * server (not the apikey) and the reason. Returns the connection and the function that unmutes the
 * driver's console output once the connection is closed.
 */
export async function connectSqliteCloud(
  config: SqliteCloudConfig,
  connectTimeoutMs: number,
): Promise<{ db: CloudDatabase; release: () => void }> {
  const Database = await loadSqliteCloudDriver();
  const release = muteDriverConsole();
  let db: CloudDatabase | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    db = await new Promise<CloudDatabase>((resolve, reject) => {
      let opened: CloudDatabase | null = null;
      timer = setTimeout(() => {
        abandon(opened);
        reject(
          new BackendError(
            `${config.description}: no answer within ${connectTimeoutMs} ms — check the host, the port and the network`,
            { backend: "sqlitecloud", address: config.description, code: "ETIMEDOUT" },
          ),
        );
      }, connectTimeoutMs);
      opened = new Database({ connectionstring: config.connectionString }, (error) => {
        if (error) {
          abandon(opened);
          reject(explainSqliteCloudError(error, config));
        } else {
          resolve(opened as CloudDatabase);
        }
      });
    });
    return { db, release };
  } catch (error) {
    release();
    throw explainSqliteCloudError(error, config);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a connection, waiting at most timeoutMs for the driver to confirm. */
function closeQuietly(db: CloudDatabase, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      abandon(db);
      resolve();
    }, timeoutMs);
    try {
      db.close(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      abandon(db);
      resolve();
    }
  });
}

/** Rows per INSERT while seeding: one round trip per batch instead of one per key (999 parameters max). */
const SEED_BATCH_ROWS = 200;

/** A key the engine never uses (it starts with a NUL), for the one-time probe of RETURNING support. */
const PROBE_KEY = "\u0000cachesim-probe";

const noop = () => {};

export class SqliteCloudStore implements RecordStore {
  readonly description: string;
  readonly table: string;
  private db: CloudDatabase;
  private release: () => void;
  private readonly config: SqliteCloudConfig;
  private readonly options: SqliteCloudOptions;
  private readonly sql: ReturnType<typeof recordSql>;
  /** Whether `INSERT … RETURNING` answers with rows; if not, each write is followed by a SELECT. */
  private returning = true;
  /** The `data.fill` range, which has no rows (the table holds only the keys written). */
  private filled: FilledData | null = null;
  private failure: BackendError | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    db: CloudDatabase,
    release: () => void,
    config: SqliteCloudConfig,
    options: SqliteCloudOptions,
  ) {
    this.db = db;
    this.release = release;
    this.config = config;
    this.options = options;
    this.table = runTableName(options.runId);
    this.sql = recordSql(this.table);
    this.description = options.keepTable
      ? `${config.description} (table ${this.table}, kept after the run)`
      : config.description;
  }

  static async open(config: SqliteCloudConfig, options: SqliteCloudOptions): Promise<SqliteCloudStore> {
    const { db, release } = await connectSqliteCloud(config, options.connectTimeoutMs);
    return SqliteCloudStore.attach(db, config, options, release);
  }

  /** Builds the store on a connection that is already open (open() does this; tests pass a stand-in). */
  static async attach(
    db: CloudDatabase,
    config: SqliteCloudConfig,
    options: SqliteCloudOptions,
    release: () => void = noop,
  ): Promise<SqliteCloudStore> {
    const store = new SqliteCloudStore(db, release, config, options);
    try {
      await db.sql(store.sql.create);
      store.returning = await store.probeReturning();
      return store;
    } catch (error) {
      const explained = explainSqliteCloudError(error, config);
      await store.close().catch(noop);
      throw explained;
    }
  }

  get failed(): BackendError | null {
    return this.failure;
  }

  seed(entries: Iterable<readonly [string, string]>): Promise<void> {
    const batches: Array<Promise<unknown>> = [];
    let params: string[] = [];
    const flush = () => {
      const rows = params.length / 2;
      const query = this.sql.insert + ", (?, ?, 1)".repeat(rows - 1);
      batches.push(this.run(query, params));
      params = [];
    };
    for (const [key, value] of entries) {
      params.push(key, value);
      if (params.length === SEED_BATCH_ROWS * 2) flush();
    }
    if (params.length > 0) flush();
    return this.guard(Promise.all(batches).then(noop));
  }

  fill(range: FilledData): void {
    this.filled = nonEmpty(range);
  }

  read(key: string): Promise<Record> {
    return this.guard(
      this.run(this.sql.select, [key]).then((reply) => {
        const row = firstRow(reply);
        if (!row) return unwrittenRecord(this.filled, key);
        return { value: (row.value ?? null) as string | null, version: Number(row.version) };
      }),
    );
  }

  write(key: string, value: string): Promise<number> {
    const params = [key, value, firstWrittenVersion(this.filled, key)];
    if (this.returning)
      return this.guard(this.run(this.sql.upsert, params).then((reply) => versionOf(reply)));
    // Both commands are queued now, back to back: the driver runs them in that order, so no other write
    // can slip in between and the SELECT sees exactly this write's version.
    const upsert = this.run(this.sql.upsert.replace(/ RETURNING version$/, ""), params);
    const select = this.run(this.sql.select, [key]);
    return this.guard(upsert.then(() => select).then((reply) => versionOf(reply)));
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private run(query: string, params: unknown[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    return withTimeout(this.db.sql(query, ...params), this.commandTimeoutMs, COMMAND_TIMEOUT_CODE);
  }

  private get commandTimeoutMs(): number {
    return this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  /** Maps failures to BackendError; a lost connection fails every later call too. */
  private guard<T>(promise: Promise<T>): Promise<T> {
    const guarded = promise.catch((error: unknown) => {
      if (this.failure) throw this.failure;
      if ((error as DriverError)?.errorCode === COMMAND_TIMEOUT_CODE) {
        this.failure = new BackendError(
          `${this.config.description}: no answer to a statement within ${this.commandTimeoutMs} ms during the run — ` +
            "the server accepts connections but stopped answering (raise CACHESIM_COMMAND_TIMEOUT_MS if it is only slow)",
          { backend: "sqlitecloud", address: this.config.description, code: "ETIMEDOUT" },
        );
        throw this.failure;
      }
      const explained = explainSqliteCloudError(error, this.config);
      if (isConnectionError(error)) {
        this.failure = new BackendError(
          `lost ${this.config.description} during the run: ${explained.message.replace(`${this.config.description}: `, "")}`,
          {
            backend: "sqlitecloud",
            address: this.config.description,
            code: explained.code ?? "CONNECTION_LOST",
          },
        );
        throw this.failure;
      }
      throw explained;
    });
    // The engine may await this only later; an early rejection must not count as unhandled meanwhile.
    guarded.catch(noop);
    return guarded;
  }

  private async probeReturning(): Promise<boolean> {
    const reply = await this.db.sql(this.sql.upsert, PROBE_KEY, "probe", 1);
    await this.db.sql(`DELETE FROM ${this.table} WHERE key = ?`, PROBE_KEY);
    return firstRow(reply)?.version !== undefined;
  }

  private async shutDown(): Promise<void> {
    let failure: unknown = null;
    if (!this.options.keepTable) {
      try {
        if (this.failure) {
          // The run's connection is gone; its table is still worth removing, over a fresh one.
          abandon(this.db);
          this.release();
          const fresh = await connectSqliteCloud(this.config, this.options.connectTimeoutMs);
          this.db = fresh.db;
          this.release = fresh.release;
        }
        await withTimeout(this.db.sql(this.sql.drop), this.options.connectTimeoutMs * 3);
      } catch (error) {
        failure = error;
      }
    }
    await closeQuietly(this.db, this.options.connectTimeoutMs);
    this.release();
    if (failure) {
      const reason = explainSqliteCloudError(failure, this.config).message;
      throw new BackendError(`could not remove the run's table ${this.table}: ${reason}`, {
        backend: "sqlitecloud",
        address: this.config.description,
        code: "CLEANUP_FAILED",
      });
    }
  }
}

function firstRow(reply: unknown): { [column: string]: unknown } | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const row = reply[0] as unknown;
  return row && typeof row === "object" ? (row as { [column: string]: unknown }) : undefined;
}

function versionOf(reply: unknown): number {
  const version = firstRow(reply)?.version;
  if (version === undefined || version === null) {
    throw new Error(
      `unexpected reply to a write: ${redact(JSON.stringify(reply) ?? String(reply)).slice(0, 200)}`,
    );
  }
  return Number(version);
}

/** The errorCode of a statement that outlived the command timeout (not one of the driver's own codes). */
const COMMAND_TIMEOUT_CODE = "CACHESIM_COMMAND_TIMEOUT";

function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  errorCode = "ERR_CONNECTION_TIMEOUT",
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { errorCode })),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
