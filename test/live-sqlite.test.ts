// Guards the SQLite file store: same answers as the in-process store, rows visible to other connections, the run's table removed (or kept) at close.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import { newRunId, parseSqliteConfig } from "../sim/backends/live/config.ts";
import { openRecordStore } from "../sim/backends/live/openLive.ts";
import { loadBetterSqlite3, SqliteFileStore } from "../sim/backends/live/sqliteFileStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";

const available = await loadBetterSqlite3().then(
  () => true,
  () => false,
);
const INSTALL_HINT = "install it with: npm install --save-optional better-sqlite3@12";
if (!available) console.warn(`live SQLite file tests skipped: better-sqlite3 does not load; ${INSTALL_HINT}`);

const SQLITE3_SHELL = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].find((file) => existsSync(file));

/** A second, independent connection to the file, as another program would open it. */
interface RawDb {
  prepare(sql: string): { all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
  exec(sql: string): unknown;
  close(): unknown;
}
const openRaw = (file: string): RawDb => {
  const Database = createRequire(import.meta.url)("better-sqlite3") as new (file: string) => RawDb;
  return new Database(file);
};

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cachesim-sqlite-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function fileConfig(file: string) {
  const config = parseSqliteConfig({ SQLITE_URL: file });
  if (config.kind !== "file") throw new Error("expected a file config");
  return config;
}

function tableNames(file: string): string[] {
  const db = openRaw(file);
  try {
    return (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
        name: string;
      }>
    ).map((row) => row.name);
  } finally {
    db.close();
  }
}

describe.skipIf(!available)(
  available
    ? "live SQLite file"
    : `live SQLite file — skipped: better-sqlite3 does not load; ${INSTALL_HINT}`,
  () => {
    it("answers exactly like the in-process store for the same operations", async () => {
      const file = path.join(tempDir(), "parity.sqlite");
      const live = await SqliteFileStore.open(fileConfig(file), { runId: newRunId(), keepTable: false });
      const memory = await MemoryRecordStore.open();
      try {
        const seed: Array<[string, string]> = Array.from({ length: 50 }, (_, i) => [
          `User:${i}`,
          `name ${i}`,
        ]);
        live.seed(seed);
        memory.seed(seed);
        const answers = (store: SqliteFileStore | MemoryRecordStore) => {
          const out: unknown[] = [];
          for (let i = 0; i < 300; i++) {
            const key = `User:${(i * 7) % 60}`;
            out.push(i % 3 === 0 ? store.write(key, `v${i}`) : store.read(key));
          }
          return out;
        };
        expect(answers(live)).toEqual(answers(memory));
      } finally {
        await live.close();
        await memory.close();
      }
    });

    it("commits every write: a fresh connection sees the rows while the run goes on", async () => {
      const file = path.join(tempDir(), "visible.sqlite");
      const store = await SqliteFileStore.open(fileConfig(file), { runId: newRunId(), keepTable: false });
      try {
        store.seed([
          ["User:1", "alice"],
          ["User:2", "bob"],
        ]);
        expect(store.write("User:1", "alice2")).toBe(2);
        expect(store.write("User:3", "carol")).toBe(1);
        const raw = openRaw(file);
        try {
          const rows = raw.prepare(`SELECT key, value, version FROM ${store.table} ORDER BY key`).all();
          expect(rows).toEqual([
            { key: "User:1", value: "alice2", version: 2 },
            { key: "User:2", value: "bob", version: 1 },
            { key: "User:3", value: "carol", version: 1 },
          ]);
        } finally {
          raw.close();
        }
        expect(store.read("User:9")).toEqual({ value: null, version: 0 });
      } finally {
        await store.close();
      }
    });

    it("removes only its own table at close; the file stays and other tables are untouched", async () => {
      const file = path.join(tempDir(), "shared.sqlite");
      const raw = openRaw(file);
      raw.exec("CREATE TABLE someone_else (x INTEGER); INSERT INTO someone_else VALUES (42);");
      raw.close();
      const a = await SqliteFileStore.open(fileConfig(file), { runId: newRunId(), keepTable: false });
      const b = await SqliteFileStore.open(fileConfig(file), { runId: newRunId(), keepTable: false });
      a.seed([["k", "from a"]]);
      b.seed([["k", "from b"]]);
      expect(a.read("k").value).toBe("from a");
      expect(b.read("k").value).toBe("from b");
      expect(tableNames(file)).toEqual([a.table, b.table, "someone_else"].sort());
      await a.close();
      await a.close();
      expect(tableNames(file)).toEqual([b.table, "someone_else"].sort());
      await b.close();
      expect(existsSync(file)).toBe(true);
      expect(tableNames(file)).toEqual(["someone_else"]);
      const check = openRaw(file);
      expect(check.prepare("SELECT x FROM someone_else").get()).toEqual({ x: 42 });
      check.close();
    });

    it("keeps the table with CACHESIM_KEEP_TABLE, readable by the sqlite3 shell after the run", async () => {
      const file = path.join(tempDir(), "kept.sqlite");
      const store = await SqliteFileStore.open(fileConfig(file), { runId: newRunId(), keepTable: true });
      expect(store.description).toContain(`table ${store.table}, kept after the run`);
      store.seed([["User:1", "alice"]]);
      store.write("User:1", "alice2");
      await store.close();
      const raw = openRaw(file);
      try {
        expect(raw.prepare(`SELECT key, value, version FROM ${store.table}`).all()).toEqual([
          { key: "User:1", value: "alice2", version: 2 },
        ]);
      } finally {
        raw.close();
      }
      if (SQLITE3_SHELL) {
        const output = execFileSync(
          SQLITE3_SHELL,
          [file, `SELECT key, value, version FROM ${store.table};`],
          {
            encoding: "utf8",
          },
        );
        expect(output.trim()).toBe("User:1|alice2|2");
      }
    });

    it("creates the default file reports/live.sqlite under the working directory", async () => {
      const dir = tempDir();
      const store = await openRecordStore(parseSqliteConfig({}), {
        runId: newRunId(),
        keepTable: false,
        safetyTtlMs: 0,
        connectTimeoutMs: 3000,
        autoPipelining: true,
        commandTimeoutMs: 5000,
        cwd: dir,
      });
      try {
        expect(store.description).toBe(`sqlite ${path.join("reports", "live.sqlite")}`);
        expect(existsSync(path.join(dir, "reports", "live.sqlite"))).toBe(true);
      } finally {
        await store.close();
      }
    });

    it("says clearly when the file cannot be written", async () => {
      const dir = tempDir();
      const notADirectory = path.join(dir, "plain-file");
      writeFileSync(notADirectory, "x");
      const error = await SqliteFileStore.open(fileConfig(path.join(notADirectory, "db.sqlite")), {
        runId: newRunId(),
        keepTable: false,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).backend).toBe("sqlite");
      expect((error as BackendError).message).toMatch(
        /cannot (open or create the file|create the file's directory)/,
      );

      const notADatabase = path.join(dir, "text.sqlite");
      writeFileSync(
        notADatabase,
        "this is not a database, just some text that is long enough to have a header",
      );
      const error2 = await SqliteFileStore.open(fileConfig(notADatabase), {
        runId: newRunId(),
        keepTable: false,
      }).catch((e: unknown) => e);
      expect(error2).toBeInstanceOf(BackendError);
      expect((error2 as BackendError).code).toBe("SQLITE_NOTADB");
    });

    it("rejects use after close with a BackendError", async () => {
      const store = await SqliteFileStore.open(fileConfig(path.join(tempDir(), "closed.sqlite")), {
        runId: newRunId(),
        keepTable: false,
      });
      await store.close();
      expect(() => store.read("x")).toThrow(BackendError);
    });
  },
);
