// The contract both kinds of point statement keep (sim/backends/sqliteStatement.ts): they store and read
// back exactly what sql.js's own Statement does (the same UTF-8 for every text, ASCII or not, the same
// numbers, NULL), fail with SQLite's message, and leave the database closable.
import type { Database } from "sql.js";
import { afterEach, expect, it } from "vitest";
import { loadSqlite, type PointStatement, prepareStatement } from "../../sim/backends/sqliteStatement.ts";

const TEXTS = [
  "",
  "key:1",
  "Jane",
  "café",
  "日本語のキー",
  "emoji 🙂 and more",
  "lone \ud800 surrogate",
  "nul\u0000inside",
  "x".repeat(63),
  "y".repeat(64),
  "z".repeat(5000),
  "ascii then é ".repeat(40),
];

const open: Array<{ db: Database; statements: PointStatement[] }> = [];
export function pointStatementContract(): void {
  afterEach(() => {
    for (const { db, statements } of open.splice(0)) {
      for (const s of statements) s.finalize();
      db.close();
    }
  });

  async function table() {
    const rt = await loadSqlite();
    const db = new rt.SQL.Database();
    db.run("CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, v TEXT, n INTEGER) WITHOUT ROWID");
    const statements: PointStatement[] = [];
    const prepare = (sql: string) => {
      const s = prepareStatement(rt, db, sql);
      statements.push(s);
      return s;
    };
    open.push({ db, statements });
    return { db, prepare };
  }

  it("stores every text as sql.js's Statement does, and reads back what sql.js reads", async () => {
    const { db, prepare } = await table();
    const insert = prepare("INSERT INTO t (k, v, n) VALUES (?, ?, ?)");
    const select = prepare("SELECT v, n FROM t WHERE k = ?");
    TEXTS.forEach((text, i) => {
      insert.bindText(1, `direct:${text}`);
      insert.bindText(2, text);
      insert.bindNumber(3, i);
      expect(insert.step()).toBe(false);
      insert.reset();
      db.run("INSERT INTO t (k, v, n) VALUES (?, ?, ?)", [`wrapped:${text}`, text, i]);
    });
    // The bytes SQLite holds are the same for both ways of binding.
    const bytes = db.exec(
      "SELECT hex(a.v) = hex(b.v), hex(a.k) = hex('direct:' || b.v) FROM t a JOIN t b " +
        "ON a.n = b.n AND a.k LIKE 'direct:%' AND b.k LIKE 'wrapped:%'",
    );
    expect(bytes[0]?.values).toHaveLength(TEXTS.length);
    for (const row of bytes[0]?.values ?? []) expect(row).toEqual([1, 1]);
    // And both read paths give the same strings.
    const wrapped = db.prepare("SELECT v, n FROM t WHERE k = ?");
    TEXTS.forEach((text, i) => {
      select.bindText(1, `direct:${text}`);
      expect(select.step()).toBe(true);
      wrapped.bind([`direct:${text}`]);
      expect(wrapped.step()).toBe(true);
      const [value, n] = wrapped.get();
      expect(select.textAt(0)).toBe(value);
      expect(select.numberAt(1)).toBe(n);
      expect(select.numberAt(1)).toBe(i);
      expect(select.step()).toBe(false);
      select.reset();
    });
    wrapped.free();
  });

  it("reads NULL as null, and numbers as sql.js binds and reads them", async () => {
    const { prepare } = await table();
    const insert = prepare("INSERT INTO t (k, v, n) VALUES (?, NULL, ?)");
    const select = prepare("SELECT v, n, typeof(n) FROM t WHERE k = ?");
    const numbers = [0, 1, -7, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 3, 2.5, -0.125];
    numbers.forEach((n, i) => {
      insert.bindText(1, `n${i}`);
      insert.bindNumber(2, n);
      insert.step();
      insert.reset();
    });
    numbers.forEach((n, i) => {
      select.bindText(1, `n${i}`);
      expect(select.step()).toBe(true);
      expect(select.textAt(0)).toBeNull();
      expect(select.numberAt(1)).toBe(n);
      // Whole numbers land in the INTEGER column as integers, whichever way they were bound.
      expect(select.textAt(2)).toBe(Number.isInteger(n) ? "integer" : "real");
      select.reset();
    });
    select.bindText(1, "absent");
    expect(select.step()).toBe(false);
    select.reset();
  });

  it("fails with SQLite's own message, and the statement can run again after a reset", async () => {
    const { db, prepare } = await table();
    const insert = prepare("INSERT INTO t (k, v, n) VALUES (?, ?, 1)");
    insert.bindText(1, "same");
    insert.bindText(2, "first");
    insert.step();
    insert.reset();
    insert.bindText(1, "same");
    insert.bindText(2, "second");
    expect(() => insert.step()).toThrow("UNIQUE constraint failed: t.k");
    insert.reset();
    insert.bindText(1, "other");
    insert.bindText(2, "third");
    expect(insert.step()).toBe(false);
    insert.reset();
    expect(db.exec("SELECT k, v FROM t ORDER BY k")[0]?.values).toEqual([
      ["other", "third"],
      ["same", "first"],
    ]);
    await expect(
      loadSqlite().then((rt) => prepareStatement(rt, db, "SELECT v FROM nowhere")),
    ).rejects.toThrow("no such table: nowhere");
  });

  it("lets the database close once finalized, and a second finalize does nothing", async () => {
    const rt = await loadSqlite();
    const db = new rt.SQL.Database();
    db.run("CREATE TABLE t (k TEXT PRIMARY KEY)");
    const s = prepareStatement(rt, db, "SELECT k FROM t WHERE k = ?");
    s.bindText(1, "x");
    expect(s.step()).toBe(false);
    s.finalize();
    s.finalize();
    db.close();
    expect(() => prepareStatement(rt, db, "SELECT 1")).toThrow();
  });
}
