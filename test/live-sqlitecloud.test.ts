import initSqlJs, { type Database as SqlJsDatabase } from "sql.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import { newRunId, parseSqliteConfig } from "../sim/backends/live/config.ts";
import { openRecordStore } from "../sim/backends/live/openLive.ts";
import { redact } from "../sim/backends/live/redact.ts";
import {
  type CloudDatabase,
  connectSqliteCloud,
  loadSqliteCloudDriver,
  type SqliteCloudConfig,
  SqliteCloudStore,
} from "../sim/backends/live/sqliteCloudStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { closedPort, listenOnLoopback } from "./support/loopback.ts";

const LIVE_URL = process.env.CACHESIM_TEST_SQLITECLOUD_URL;
const driverAvailable = await loadSqliteCloudDriver().then(
  () => true,
  () => false,
);
const INSTALL_HINT = "install it with: npm install --save-optional @sqlitecloud/drivers";
if (!driverAvailable)
  console.warn(`SQLite Cloud driver tests skipped: @sqlitecloud/drivers does not load; ${INSTALL_HINT}`);
if (!LIVE_URL) {
  console.warn(
    "live SQLite Cloud test skipped: set CACHESIM_TEST_SQLITECLOUD_URL=sqlitecloud://host:8860/db?apikey=… to run it",
  );
}

const SQL = await initSqlJs();

function cloudConfig(url: string): SqliteCloudConfig {
  const config = parseSqliteConfig({ SQLITE_URL: url });
  if (config.kind !== "cloud") throw new Error("expected a SQLite Cloud config");
  return config;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of servers.splice(0)) await stop();
  vi.restoreAllMocks();
});

/** Accepts connections and never answers, not even the TLS handshake. */
async function silentServer(): Promise<number> {
  const { port, stop } = await listenOnLoopback(() => {});
  servers.push(stop);
  return port;
}

/**
 * Stands in for the driver's Database: SQLite (sql.js) behind an asynchronous queue that runs one
 * command at a time in the order issued, as the driver does, and answers in the driver's shapes: an
 * array of row objects for a query, a metadata object for a statement without rows.
 */
class FakeCloud implements CloudDatabase {
  readonly db: SqlJsDatabase = new SQL.Database();
  readonly log: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private broken = false;
  closed = false;

  constructor(private readonly returningRows: boolean) {}

  sql(query: string, ...params: unknown[]): Promise<unknown> {
    const result = this.queue.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.broken) {
        throw Object.assign(new Error("Connection unavailable. Maybe it got disconnected?"), {
          errorCode: "ERR_CONNECTION_NOT_ESTABLISHED",
        });
      }
      this.log.push(query);
      const statement = this.db.prepare(query);
      try {
        statement.bind(params as Array<string | number | null>);
        const rows: Array<{ [column: string]: unknown }> = [];
        while (statement.step()) rows.push(statement.getAsObject());
        const returnsRows = /^\s*SELECT/i.test(query) || (this.returningRows && /RETURNING/i.test(query));
        return returnsRows ? rows : { type: 10, changes: this.db.getRowsModified() };
      } finally {
        statement.free();
      }
    });
    this.queue = result.catch(() => {});
    return result;
  }

  close(callback?: (error: Error | null) => void): void {
    this.closed = true;
    callback?.(null);
  }

  /** The connection drops: everything from now on fails as the driver fails it. */
  breakConnection(): void {
    this.broken = true;
  }

  tables(): string[] {
    const result = this.db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    return (result[0]?.values ?? []).map((row) => String(row[0]));
  }
}

const APIKEY = "Cl0udK3yNeverShown";

describe("SQLite Cloud configuration", () => {
  it("reads host, port and database, and never shows the apikey", () => {
    const config = cloudConfig(`sqlitecloud://abc.g1.sqlite.cloud:8860/sim.sqlite?apikey=${APIKEY}`);
    expect(config).toMatchObject({ host: "abc.g1.sqlite.cloud", port: 8860, database: "sim.sqlite" });
    expect(config.description).toBe("sqlitecloud://abc.g1.sqlite.cloud:8860/sim.sqlite");
    expect(redact(`failed to open ${config.connectionString}`)).not.toContain(APIKEY);
  });
});

describe("SQLite Cloud store logic (stand-in connection)", () => {
  const config = cloudConfig(`sqlitecloud://127.0.0.1:1/sim.sqlite?apikey=${APIKEY}`);
  const options = () => ({ runId: newRunId(), keepTable: false, connectTimeoutMs: 1000 });

  for (const returningRows of [true, false]) {
    it(`answers like the in-process store, issuing without awaiting (RETURNING rows: ${returningRows})`, async () => {
      const fake = new FakeCloud(returningRows);
      const store = await SqliteCloudStore.attach(fake, config, options());
      const memory = await MemoryRecordStore.open();
      try {
        const seed: Array<[string, string]> = Array.from({ length: 450 }, (_, i) => [
          `User:${i}`,
          `name ${i}`,
        ]);
        await store.seed(seed);
        memory.seed(seed);
        // Seeding sends 200 rows per INSERT: one round trip per batch, not per key.
        expect(
          fake.log.filter(
            (query) => query.startsWith(`INSERT INTO ${store.table}`) && query.includes("VALUES (?, ?, 1), "),
          ).length,
        ).toBe(3);
        const pending: Array<Promise<unknown>> = [];
        const expected: unknown[] = [];
        for (let i = 0; i < 200; i++) {
          const key = `User:${(i * 7) % 460}`;
          if (i % 3 === 0) {
            pending.push(store.write(key, `v${i}`));
            expected.push(memory.write(key, `v${i}`));
          } else {
            pending.push(store.read(key));
            expected.push(memory.read(key));
          }
        }
        expect(await Promise.all(pending)).toEqual(expected);
        if (!returningRows) expect(fake.log.some((query) => query.includes("RETURNING"))).toBe(true);
      } finally {
        await store.close();
        await memory.close();
      }
      expect(fake.tables()).toEqual([]);
      expect(fake.closed).toBe(true);
    });
  }

  it("keeps the table with keepTable", async () => {
    const fake = new FakeCloud(true);
    const store = await SqliteCloudStore.attach(fake, config, { ...options(), keepTable: true });
    await store.seed([["a", "1"]]);
    await store.close();
    expect(fake.tables()).toEqual([store.table]);
    expect(store.description).toContain("kept after the run");
  });

  it("fails the run with one BackendError when the connection drops, without the apikey", async () => {
    const fake = new FakeCloud(true);
    const store = await SqliteCloudStore.attach(fake, config, options());
    await store.seed([["a", "1"]]);
    const inFlight = store.read("a");
    fake.breakConnection();
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).message).toContain("lost sqlitecloud://127.0.0.1:1/sim.sqlite");
    expect(await store.write("a", "2").catch((e: unknown) => e)).toBe(error);
    expect(store.failed).toBe(error);
    // The table cannot be removed (the server is gone, and a new connection is refused): close says so.
    const closeError = await store.close().catch((e: unknown) => e);
    expect(closeError).toBeInstanceOf(BackendError);
    expect((closeError as BackendError).code).toBe("CLEANUP_FAILED");
    expect((closeError as BackendError).message).toContain(store.table);
    expect((closeError as BackendError).message).not.toContain(APIKEY);
  });
});

describe.skipIf(!driverAvailable)(
  driverAvailable
    ? "SQLite Cloud driver without a server"
    : `SQLite Cloud driver without a server — skipped: @sqlitecloud/drivers does not load; ${INSTALL_HINT}`,
  () => {
    it("names the address of a server that refuses, quickly, without the apikey or the driver's console noise", async () => {
      const port = await closedPort();
      const consoleError = vi.spyOn(console, "error");
      const startedMs = Date.now();
      const error = await connectSqliteCloud(
        cloudConfig(`sqlitecloud://127.0.0.1:${port}/sim.sqlite?apikey=${APIKEY}`),
        3000,
      ).catch((e: unknown) => e);
      expect(Date.now() - startedMs).toBeLessThan(3000);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).code).toBe("ECONNREFUSED");
      expect((error as BackendError).message).toContain(`sqlitecloud://127.0.0.1:${port}/sim.sqlite`);
      expect((error as BackendError).message).not.toContain(APIKEY);
      const printed = consoleError.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
      expect(printed).not.toContain("SQLiteCloud");
      expect(printed).not.toContain(APIKEY);
      // The console is the test's own again once the connection attempt is over.
      expect(console.error).toBe(consoleError);
    });

    it("gives up on a server that never answers after the connect timeout", async () => {
      const port = await silentServer();
      const startedMs = Date.now();
      const error = await openRecordStore(
        cloudConfig(`sqlitecloud://127.0.0.1:${port}/sim.sqlite?apikey=${APIKEY}`),
        {
          runId: newRunId(),
          keepTable: false,
          connectTimeoutMs: 1000,
          safetyTtlMs: 0,
          autoPipelining: true,
          commandTimeoutMs: 5000,
        },
      ).catch((e: unknown) => e);
      const elapsedMs = Date.now() - startedMs;
      expect(elapsedMs).toBeGreaterThanOrEqual(900);
      expect(elapsedMs).toBeLessThan(2500);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).code).toBe("ETIMEDOUT");
      expect((error as BackendError).message).not.toContain(APIKEY);
    });
  },
);

describe.skipIf(!LIVE_URL || !driverAvailable)(
  LIVE_URL && driverAvailable
    ? "live SQLite Cloud"
    : "live SQLite Cloud — skipped: set CACHESIM_TEST_SQLITECLOUD_URL=sqlitecloud://host:8860/db?apikey=…",
  () => {
    async function tableExists(table: string): Promise<boolean> {
      const { db, release } = await connectSqliteCloud(cloudConfig(LIVE_URL as string), 10_000);
      try {
        const rows = (await db.sql(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
          table,
        )) as unknown[];
        return rows.length > 0;
      } finally {
        db.close();
        release();
      }
    }

    it("stores records in the run's own table and removes it at close", { timeout: 60_000 }, async () => {
      const store = await SqliteCloudStore.open(cloudConfig(LIVE_URL as string), {
        runId: newRunId(),
        keepTable: false,
        connectTimeoutMs: 10_000,
      });
      try {
        await store.seed([
          ["User:1", "alice"],
          ["User:2", "bob"],
        ]);
        const [version, record, missing] = await Promise.all([
          store.write("User:1", "alice2"),
          store.read("User:1"),
          store.read("User:9"),
        ]);
        expect(version).toBe(2);
        expect(record).toEqual({ value: "alice2", version: 2 });
        expect(missing).toEqual({ value: null, version: 0 });
        expect(await tableExists(store.table)).toBe(true);
      } finally {
        await store.close();
      }
      expect(await tableExists(store.table)).toBe(false);
    });
  },
);
