// Guards the in-process store's point statements when something else in the process started sql.js
// before cachesim did (initSqlJs answers every later call with the first one's module, without the hook
// that gives cachesim its memory): they go through sql.js's own Statement and keep the same contract,
// and the store still reads and writes.
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { loadSqlite, prepareStatement, SqliteStatement } from "../sim/backends/sqliteStatement.ts";
import { pointStatementContract } from "./support/pointStatementContract.ts";

beforeAll(async () => {
  await initSqlJs();
});

describe("point statements when sql.js was started elsewhere", () => {
  it("go through sql.js's Statement", async () => {
    const rt = await loadSqlite();
    expect(rt.memory).toBeNull();
    const db = new rt.SQL.Database();
    const s = prepareStatement(rt, db, "SELECT 1");
    expect(s).not.toBeInstanceOf(SqliteStatement);
    s.finalize();
    db.close();
  });

  pointStatementContract();

  it("serve the in-process store as before", async () => {
    const store = await MemoryRecordStore.open();
    store.seed([["User:1", "John"]]);
    expect(store.write("User:1", "Jane")).toBe(2);
    expect(store.write("new", "x")).toBe(1);
    expect(store.read("User:1")).toEqual({ value: "Jane", version: 2 });
    expect(store.read("ghost")).toEqual({ value: null, version: 0 });
    await store.close();
  });
});
