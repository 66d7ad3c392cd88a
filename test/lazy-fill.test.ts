// Guards the lazy `data.fill`: no store of record writes a row for the fill range (so memory follows the keys written, not the count), an unwritten key of the range reads as the fill value at version 1 and its first write makes version 2, `data.values` keys keep theirs, only canonical `prefix<i>` below count belong to the range, and all three SQLite stores and the oracle agree key by key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { newRunId, parseSqliteConfig } from "../sim/backends/live/config.ts";
import { type CloudDatabase, SqliteCloudStore } from "../sim/backends/live/sqliteCloudStore.ts";
import { loadBetterSqlite3, SqliteFileStore } from "../sim/backends/live/sqliteFileStore.ts";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { traceColumnIndex } from "../sim/metrics/traceColumns.ts";
import { type FilledData, filledIndex, inFilledRange } from "../sim/model/filledRange.ts";
import { Oracle } from "../sim/model/oracle.ts";
import type { Record as StoredRecord } from "../sim/model/ports.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

const FILL: FilledData = { prefix: "key:", count: 5, value: "init" };
const OUTSIDE = [
  "key:5",
  "key:007",
  "key:00",
  "key:1e3",
  "key:-1",
  "key:+1",
  "key: 1",
  "key:",
  "other:1",
  "Key:1",
];

/** The rows a MemoryRecordStore holds, counted by SQLite itself. */
function rowCount(store: MemoryRecordStore): number {
  const db = (store as unknown as { db: { exec(sql: string): Array<{ values: unknown[][] }> } }).db;
  return Number(db.exec("SELECT count(*) FROM records")[0]?.values[0]?.[0]);
}

let store: MemoryRecordStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe("the fill range rule (filledRange.ts)", () => {
  it("holds exactly the canonical prefix<i> with i below count", () => {
    expect(["key:0", "key:1", "key:4"].every((k) => inFilledRange(FILL, k))).toBe(true);
    expect(OUTSIDE.filter((k) => inFilledRange(FILL, k))).toEqual([]);
    expect(inFilledRange(null, "key:0")).toBe(false);
    const big = { prefix: "", count: 10_000_000 };
    expect(["0", "9999999"].every((k) => inFilledRange(big, k))).toBe(true);
    expect(["10000000", "12345678901234567", "٣"].some((k) => inFilledRange(big, k))).toBe(false);
  });

  it("is the oracle's rule too: a key of the range starts at version 1, any other at 0", () => {
    const oracle = new Oracle(FILL);
    expect(oracle.key("key:4").version).toBe(1);
    expect(OUTSIDE.map((k) => oracle.key(k).version)).toEqual(OUTSIDE.map(() => 0));
    expect(new Oracle({ prefix: "key:", count: 0 }).key("key:0").version).toBe(0);
  });

  it("gives a key of the range its index, and -1 to every name outside it", () => {
    expect(["key:0", "key:4"].map((k) => filledIndex(FILL, k))).toEqual([0, 4]);
    expect(OUTSIDE.map((k) => filledIndex(FILL, k))).toEqual(OUTSIDE.map(() => -1));
    expect(filledIndex(null, "key:0")).toBe(-1);
  });

  it("hands out one Key per name, whether the range keeps its keys by index or in a map", () => {
    // A 5-key range keeps its keys by index; 2,000,000 is past the dense limit, so a map: both intern alike.
    for (const count of [5, 2_000_000]) {
      const oracle = new Oracle({ prefix: "key:", count, value: "v" });
      const key = oracle.key("key:3");
      expect(oracle.key(`key:${3}`)).toBe(key);
      expect(key.version).toBe(1);
      expect(key.valueNow).toBe("v");
      expect(oracle.key("other")).toBe(oracle.key("other"));
      expect(oracle.key("other").version).toBe(0);
    }
  });
});

describe("the in-process store with a fill", () => {
  it("writes no row for a 10,000,000-key fill; rows appear only for keys written", async () => {
    store = await MemoryRecordStore.open();
    store.fill({ prefix: "key:", count: 10_000_000, value: "init" });
    expect(rowCount(store)).toBe(0);
    expect(store.read("key:9999999")).toEqual({ value: "init", version: 1 });
    expect(store.read("key:10000000")).toEqual({ value: null, version: 0 });
    expect(rowCount(store)).toBe(0);
    store.write("key:123", "a");
    store.write("key:123", "b");
    store.write("elsewhere", "c");
    expect(rowCount(store)).toBe(2);
  });

  it("reads an untouched key as the fill value at version 1; its first write makes version 2", async () => {
    store = await MemoryRecordStore.open();
    store.fill(FILL);
    expect(store.read("key:3")).toEqual({ value: "init", version: 1 });
    expect(store.write("key:3", "new")).toBe(2);
    expect(store.read("key:3")).toEqual({ value: "new", version: 2 });
    expect(store.write("key:3", "newer")).toBe(3);
    expect(store.read("key:4")).toEqual({ value: "init", version: 1 });
  });

  it("keeps a data.values key inside the range at its own value, seeded before or after the fill", async () => {
    store = await MemoryRecordStore.open();
    store.seed([["key:1", "given"]]);
    store.fill(FILL);
    store.seed([["key:2", "later"]]);
    expect(store.read("key:1")).toEqual({ value: "given", version: 1 });
    expect(store.read("key:2")).toEqual({ value: "later", version: 1 });
    expect(store.write("key:1", "x")).toBe(2);
  });

  it("leaves keys outside the range and non-canonical names absent, and their first write version 1", async () => {
    store = await MemoryRecordStore.open();
    store.fill(FILL);
    expect(OUTSIDE.map((k) => store?.read(k))).toEqual(OUTSIDE.map(() => ({ value: null, version: 0 })));
    expect(OUTSIDE.map((k) => store?.write(k, "w"))).toEqual(OUTSIDE.map(() => 1));
  });

  it("with an empty fill (count 0) is an empty store", async () => {
    store = await MemoryRecordStore.open();
    store.fill({ prefix: "key:", count: 0, value: "init" });
    expect(store.read("key:0")).toEqual({ value: null, version: 0 });
    expect(store.write("key:0", "a")).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The three SQLite stores give the same answers

/** Reads and writes over the range, its edges and keys outside it, with explicit values in the range. */
const KEYS = ["key:0", "key:1", "key:4", "key:5", "key:007", "key:1e3", "key:-1", "other"];
type Answers = Array<StoredRecord | number>;

async function answers(target: {
  seed(entries: Array<[string, string]>): unknown;
  fill(range: FilledData): void;
  read(key: string): StoredRecord | Promise<StoredRecord>;
  write(key: string, value: string): number | Promise<number>;
}): Promise<Answers> {
  await target.seed([["key:1", "given"]]);
  target.fill(FILL);
  const out: Answers = [];
  for (let i = 0; i < 48; i++) {
    const key = KEYS[(i * 5) % KEYS.length] as string;
    out.push(await (i % 3 === 0 ? target.write(key, `v${i}`) : target.read(key)));
  }
  return out;
}

/** A stand-in for the SQLite Cloud driver's connection: sql.js answering in the driver's shapes. */
const SQL = await initSqlJs();
function standInCloud(): CloudDatabase {
  const db = new SQL.Database();
  return {
    async sql(query: string, ...params: unknown[]) {
      const statement = db.prepare(query);
      try {
        statement.bind(params as Array<string | number | null>);
        const rows: Array<{ [column: string]: unknown }> = [];
        while (statement.step()) rows.push(statement.getAsObject());
        return /^\s*SELECT|RETURNING/i.test(query) ? rows : { changes: db.getRowsModified() };
      } finally {
        statement.free();
      }
    },
    close(callback) {
      db.close();
      callback?.(null);
    },
  };
}

const betterSqlite3 = await loadBetterSqlite3().then(
  () => true,
  () => false,
);
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("every SQLite store answers a filled range alike", () => {
  it("the sequence compared meets every case: filled, given, outside, first writes of each", async () => {
    store = await MemoryRecordStore.open();
    const got = await answers(store);
    expect(got).toContainEqual({ value: "init", version: 1 });
    expect(got).toContainEqual({ value: "given", version: 1 });
    expect(got).toContainEqual({ value: null, version: 0 });
    // key:0 is filled: its first write is version 2; key:007 and other are not: version 1.
    expect(got[0]).toBe(2);
    expect(got.filter((answer) => answer === 1).length).toBeGreaterThan(0);
  });

  it("SQLite Cloud (stand-in connection) answers like the in-process store", async () => {
    store = await MemoryRecordStore.open();
    const expected = await answers(store);
    const config = parseSqliteConfig({ SQLITE_URL: "sqlitecloud://127.0.0.1:1/sim.sqlite?apikey=k" });
    if (config.kind !== "cloud") throw new Error("expected a SQLite Cloud config");
    const cloud = await SqliteCloudStore.attach(standInCloud(), config, {
      runId: newRunId(),
      keepTable: false,
      connectTimeoutMs: 1000,
    });
    try {
      expect(await answers(cloud)).toEqual(expected);
    } finally {
      await cloud.close();
    }
  });

  it.skipIf(!betterSqlite3)(
    `the SQLite file answers like the in-process store and holds only the rows written${betterSqlite3 ? "" : " — skipped: better-sqlite3 does not load (npm install --save-optional better-sqlite3@12)"}`,
    async () => {
      store = await MemoryRecordStore.open();
      const expected = await answers(store);
      const dir = mkdtempSync(path.join(tmpdir(), "cachesim-fill-"));
      tempDirs.push(dir);
      const config = parseSqliteConfig({ SQLITE_URL: path.join(dir, "fill.sqlite") });
      if (config.kind !== "file") throw new Error("expected a SQLite file config");
      const file = await SqliteFileStore.open(config, { runId: newRunId(), keepTable: false });
      try {
        expect(await answers(file)).toEqual(expected);
        expect(rowCount(store)).toBe(
          (file as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db
            .prepare(`SELECT count(*) AS n FROM ${file.table}`)
            .get().n,
        );
      } finally {
        await file.close();
      }
    },
  );
});

describe("a run over a filled range", () => {
  it("agrees with the oracle on every version: fill keys written, read, and given in data.values", async () => {
    const scenario = scenarioFromText(`
strategy: global
nodes: [a]
defaults:
  network: { cache: 1ms, database: 2ms }
data:
  values: { "key:2": given }
  fill: { prefix: "key:", count: 1000, value: init }
workloads:
  - node: a
    script:
      - { at: 0ms, op: read, key: "key:1" }
      - { at: 10ms, op: write, key: "key:1", value: one }
      - { at: 20ms, op: read, key: "key:1" }
      - { at: 30ms, op: write, key: "key:2", value: two }
      - { at: 40ms, op: read, key: "key:007" }
      - { at: 50ms, op: write, key: "key:1000", value: out }
      - { at: 60ms, op: read, key: "key:999" }
report: { trace: always }
`);
    const { files } = await runToTexts(scenario);
    const rows = (files["trace.csv"] ?? "").trim().split("\n").slice(1);
    const pick = rows.map((line) => {
      const cells = line.split(",");
      return ["op", "key", "value", "version"].map((name) => cells[traceColumnIndex(name)]).join(" ");
    });
    expect(pick).toEqual([
      "read key:1 init 1",
      "write key:1 one 2",
      "read key:1 one 2",
      "write key:2 two 2",
      "read key:007  0",
      "write key:1000 out 1",
      "read key:999 init 1",
    ]);
  });

  it("a 10,000,000-key fill read and written over all its keys: rows only for the keys written", async () => {
    const scenario = scenarioFromText(`
strategy: global
nodes: [a, b]
data:
  fill: { prefix: "key:", count: 10000000, value: init }
workloads:
  - generator:
      rate: 1000
      requests: 2000
      keys: { count: 10000000, dist: uniform, prefix: "key:" }
      readFraction: 0.5
report: { trace: always }
`);
    const records = await MemoryRecordStore.open();
    let rowsAtEnd = -1;
    const backends = {
      cache: new MemoryCacheStore(),
      records: {
        description: records.description,
        seed: (entries: Iterable<readonly [string, string]>) => records.seed(entries),
        fill: (range: FilledData) => records.fill(range),
        read: (key: string) => records.read(key),
        write: (key: string, value: string) => records.write(key, value),
        async close() {
          rowsAtEnd = rowCount(records);
          await records.close();
        },
      },
    };
    const { files } = await runToTexts(scenario, backends);
    const rows = (files["trace.csv"] ?? "").trim().split("\n").slice(1);
    const written = new Set<string>();
    let untouchedReads = 0;
    for (const line of rows) {
      const cells = line.split(",");
      const cell = (name: string) => cells[traceColumnIndex(name)] ?? "";
      const [op, key, value, version] = [cell("op"), cell("key"), cell("value"), cell("version")];
      if (op === "write") {
        written.add(key);
      } else if (!written.has(key)) {
        untouchedReads++;
        expect([value, version]).toEqual(["init", "1"]);
      }
    }
    expect(untouchedReads).toBeGreaterThan(500);
    expect(written.size).toBeGreaterThan(500);
    expect(rowsAtEnd).toBe(written.size);
  });
});
