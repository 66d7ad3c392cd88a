// Guards the in-process store's point statements when cachesim starts sql.js itself, as the command
// line and a sweep's workers always do: they run through SQLite's C functions (SqliteStatement), keep
// the contract sql.js's Statement keeps, and survive SQLite's heap growing under them.
import { afterEach, describe, expect, it } from "vitest";
import { loadSqlite, prepareStatement, SqliteStatement } from "../sim/backends/sqliteStatement.ts";
import { pointStatementContract } from "./support/pointStatementContract.ts";

describe("point statements through SQLite's C functions", () => {
  it("are what cachesim prepares when it started sql.js", async () => {
    const rt = await loadSqlite();
    expect(rt.memory).toBeInstanceOf(WebAssembly.Memory);
    const db = new rt.SQL.Database();
    const s = prepareStatement(rt, db, "SELECT 1");
    expect(s).toBeInstanceOf(SqliteStatement);
    s.finalize();
    db.close();
  });

  pointStatementContract();

  const dbs: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  it("keeps working when SQLite's heap grows under it (the old view of the memory is then detached)", async () => {
    const rt = await loadSqlite();
    const memory = rt.memory as WebAssembly.Memory;
    const db = new rt.SQL.Database();
    dbs.push({
      close: () => {
        insert.finalize();
        select.finalize();
        db.close();
      },
    });
    db.run("CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, v TEXT, n INTEGER) WITHOUT ROWID");
    const prepare = (sql: string) => prepareStatement(rt, db, sql);
    const insert = prepare("INSERT INTO t (k, v, n) VALUES (?, ?, 1)");
    const select = prepare("SELECT v FROM t WHERE k = ?");
    insert.bindText(1, "small");
    insert.bindText(2, "before");
    insert.step();
    insert.reset();
    const before = memory.buffer.byteLength;
    const big = "b".repeat(before); // more than the whole heap had: it must grow to bind this
    insert.bindText(1, "big");
    insert.bindText(2, big);
    insert.step();
    insert.reset();
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
    select.bindText(1, "small");
    expect(select.step()).toBe(true);
    expect(select.textAt(0)).toBe("before");
    select.reset();
    select.bindText(1, "big");
    expect(select.step()).toBe(true);
    expect(select.textAt(0)).toBe(big);
    select.reset();
  });
});
