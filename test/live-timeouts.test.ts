// Guards that nothing hangs: a live server that accepts and never answers, or stops answering mid-run, ends the run after CACHESIM_COMMAND_TIMEOUT_MS with a message naming the backend and address; cleanup stays bounded.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import initSqlJs from "sql.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import { newRunId, parseRedisConfig, parseSqliteConfig } from "../sim/backends/live/config.ts";
import { LiveRedisStore } from "../sim/backends/live/liveRedisStore.ts";
import {
  type CloudDatabase,
  type SqliteCloudConfig,
  SqliteCloudStore,
} from "../sim/backends/live/sqliteCloudStore.ts";
import { type FakeRedis, fakeRedis } from "./support/fakeRedis.ts";
import { listenOnLoopback } from "./support/loopback.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "sim", "bin", "cachesim.js");

const COMMAND_TIMEOUT_MS = 300;
const CONNECT_TIMEOUT_MS = 1000;

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function fake(options: Parameters<typeof fakeRedis>[0]): Promise<FakeRedis> {
  const server = await fakeRedis(options);
  stops.push(server.stop);
  return server;
}

async function settle<T>(promise: Promise<T> | T): Promise<{ value?: T; error?: unknown; ms: number }> {
  const startedMs = Date.now();
  try {
    const value = await promise;
    return { value, ms: Date.now() - startedMs };
  } catch (error) {
    return { error, ms: Date.now() - startedMs };
  }
}

function openStore(env: NodeJS.ProcessEnv): Promise<LiveRedisStore> {
  const config = parseRedisConfig(env);
  if (!config) throw new Error("no Redis configured");
  return LiveRedisStore.open(config, {
    runId: newRunId(),
    safetyTtlMs: 0,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  });
}

for (const cluster of [false, true]) {
  const kind = cluster ? "Redis Cluster" : "standalone Redis";
  describe(`a ${kind} that stops answering mid-run`, () => {
    const env = (port: number) =>
      cluster ? { REDIS_CLUSTER_NODES: `127.0.0.1:${port}` } : { REDIS_URL: `127.0.0.1:${port}` };

    it("fails the command after the command timeout, naming the address; later calls fail at once; close is bounded", async () => {
      const server = await fake({ cluster, answerDataCommands: 2 });
      const store = await openStore(env(server.port));
      expect(await store.set("k", "1|0|sv")).toBeUndefined();
      expect(await store.get("k")).toBe("1|0|sv");

      const stuck = await settle(store.get("k"));
      expect(stuck.error).toBeInstanceOf(BackendError);
      const error = stuck.error as BackendError;
      expect(error.code).toBe("ETIMEDOUT");
      expect(error.message).toContain(`127.0.0.1:${server.port}`);
      expect(error.message).toContain(`no answer to a command within ${COMMAND_TIMEOUT_MS} ms`);
      expect(error.message).toContain("CACHESIM_COMMAND_TIMEOUT_MS");
      expect(stuck.ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
      expect(stuck.ms).toBeLessThan(COMMAND_TIMEOUT_MS + 2000);

      // The run is over: every later call fails at once with the same error, conditional ones too.
      const later = await settle(store.setIfNewer("k", "2|0|sw", 2, 0));
      expect(later.error).toBe(error);
      expect(later.ms).toBeLessThan(100);

      // Cleanup tries a fresh connection for the keys it wrote, and gives up within the connect timeout.
      const closed = await settle(store.close());
      expect(closed.ms).toBeLessThan(CONNECT_TIMEOUT_MS + COMMAND_TIMEOUT_MS + 2500);
      expect((closed.error as BackendError).code).toBe("CLEANUP_FAILED");
    });

    it("fails a publish whose message never comes back to the run's subscriber", async () => {
      const server = await fake({ cluster });
      const store = await openStore(env(server.port));
      // The stand-in acknowledges PUBLISH but never delivers the message.
      const published = await settle(store.publish("User:1"));
      expect((published.error as BackendError).code).toBe("ETIMEDOUT");
      expect((published.error as BackendError).message).toContain("published invalidation");
      expect((published.error as BackendError).message).toContain(`127.0.0.1:${server.port}`);
      await settle(store.close());
    });
  });
}

describe("a Redis that goes silent right after the handshake, through the CLI", () => {
  it("ends the live run with exit 1 and a message naming the backend and address, nothing written", async () => {
    const server = await fake({ answerDataCommands: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), "cachesim-silent-"));
    tempDirs.push(dir);
    writeFileSync(
      path.join(dir, ".env"),
      `REDIS_URL=127.0.0.1\nREDIS_PORT=${server.port}\nSQLITE_URL=records.sqlite\n` +
        `CACHESIM_COMMAND_TIMEOUT_MS=${COMMAND_TIMEOUT_MS}\nCACHESIM_CONNECT_TIMEOUT_MS=${CONNECT_TIMEOUT_MS}\n`,
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env))
      if (!/^(REDIS_|SQLITE_URL|SQLLITE_URL|CACHESIM_)/.test(name)) env[name] = value;
    const startedMs = Date.now();
    const result = await run(
      process.execPath,
      [CLI, "run", path.join(ROOT, "scenarios", "global-coordinator.yaml"), "--live", "--out", "out"],
      { cwd: dir, env, timeout: 60_000 },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? "" }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `redis 127.0.0.1:${server.port}: no answer to a command within ${COMMAND_TIMEOUT_MS} ms`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, "out"))).toBe(false);
    expect(server.dataCommands).toBeGreaterThan(1);
    // Start, the timeout, and a bounded cleanup: seconds, not a hang (the CLI's own start-up included).
    expect(Date.now() - startedMs).toBeLessThan(30_000);
  }, 60_000);
});

describe("a server that accepts and never answers at all", () => {
  it("fails the start within the connect or command timeout, whichever ends first, naming the address", async () => {
    const { port, stop } = await listenOnLoopback(() => {});
    stops.push(stop);
    const opened = await settle(openStore({ REDIS_URL: `127.0.0.1:${port}` }));
    expect((opened.error as BackendError).code).toBe("ETIMEDOUT");
    expect((opened.error as BackendError).message).toContain(`127.0.0.1:${port}: no answer`);
    expect(opened.ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1500);
  });
});

// ---------------------------------------------------------------------------------------------------------
// SQLite Cloud: a stand-in connection that answers a few statements, then never again

const SQL = await initSqlJs();

class GoesSilent implements CloudDatabase {
  private readonly db = new SQL.Database();
  private answered = 0;
  closed = false;
  constructor(private readonly answers: number) {}
  sql(query: string, ...params: unknown[]): Promise<unknown> {
    if (this.answered >= this.answers) return new Promise(() => {});
    this.answered++;
    const statement = this.db.prepare(query);
    try {
      statement.bind(params as Array<string | number | null>);
      const rows: Array<{ [column: string]: unknown }> = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return Promise.resolve(/^\s*SELECT|RETURNING/i.test(query) ? rows : { changes: 1 });
    } finally {
      statement.free();
    }
  }
  close(callback?: (error: Error | null) => void): void {
    this.closed = true;
    callback?.(null);
  }
}

describe("SQLite Cloud that stops answering mid-run (stand-in connection)", () => {
  it("fails the statement after the command timeout, naming the server; close is bounded", async () => {
    const { port, stop } = await listenOnLoopback(() => {});
    stops.push(stop);
    const config = parseSqliteConfig({
      SQLITE_URL: `sqlitecloud://127.0.0.1:${port}/sim.sqlite?apikey=NeverShownKey1`,
    }) as SqliteCloudConfig;
    // create, the RETURNING probe (2 statements), one seed batch, one read: then silence.
    const db = new GoesSilent(5);
    const store = await SqliteCloudStore.attach(db, config, {
      runId: newRunId(),
      keepTable: false,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    await store.seed([["User:1", "John"]]);
    expect(await store.read("User:1")).toEqual({ value: "John", version: 1 });

    const stuck = await settle(store.write("User:1", "Jane"));
    const error = stuck.error as BackendError;
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe("ETIMEDOUT");
    expect(error.backend).toBe("sqlitecloud");
    expect(error.message).toContain(`sqlitecloud://127.0.0.1:${port}/sim.sqlite`);
    expect(error.message).toContain(`no answer to a statement within ${COMMAND_TIMEOUT_MS} ms`);
    expect(error.message).not.toContain("NeverShownKey1");
    expect(stuck.ms).toBeLessThan(COMMAND_TIMEOUT_MS + 2000);
    expect((await settle(store.read("User:1"))).error).toBe(error);

    // Cleanup reconnects to drop the table; the server there is silent too, so it gives up in bounded time.
    const closed = await settle(store.close());
    expect(closed.ms).toBeLessThan(CONNECT_TIMEOUT_MS * 5 + 2000);
    expect((closed.error as BackendError).code).toBe("CLEANUP_FAILED");
  });
});
