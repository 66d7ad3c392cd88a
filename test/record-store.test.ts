// Guards the in-process system of record: versions start at 1 and bump by one per write, absent keys
// read as version 0, fill() loads a key range without overwriting keys seeded first, and sql.js's page
// cache stays bounded; a failed seed changes nothing, before or during a run.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";

let store: MemoryRecordStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe("MemoryRecordStore", () => {
  it("versions writes from the seeded version 1, and reads absent keys as version 0", async () => {
    store = await MemoryRecordStore.open();
    store.seed([["User:1", "John"]]);
    expect(store.read("User:1")).toEqual({ value: "John", version: 1 });
    expect(store.write("User:1", "Jane")).toBe(2);
    expect(store.write("new", "x")).toBe(1);
    expect(store.read("User:1")).toEqual({ value: "Jane", version: 2 });
    expect(store.read("ghost")).toEqual({ value: null, version: 0 });
  });

  it("fills prefix0..prefix(n-1) and keeps keys seeded before", async () => {
    store = await MemoryRecordStore.open();
    store.seed([["key:3", "given"]]);
    store.fill({ prefix: "key:", count: 5, value: "init" });
    expect([0, 1, 2, 3, 4, 5].map((i) => store?.read(`key:${i}`))).toEqual([
      { value: "init", version: 1 },
      { value: "init", version: 1 },
      { value: "init", version: 1 },
      { value: "given", version: 1 },
      { value: "init", version: 1 },
      { value: null, version: 0 },
    ]);
  });

  it("bounds sql.js's page cache at 8 MiB (the WebAssembly heap never gives memory back)", async () => {
    store = await MemoryRecordStore.open();
    const db = (store as unknown as { db: { exec(sql: string): Array<{ values: unknown[][] }> } }).db;
    // Negative: a size in KiB.
    expect(db.exec("PRAGMA cache_size")[0]?.values[0]?.[0]).toBe(-8192);
  });

  it("seeds all or nothing, also once reads and writes have begun (they share one open transaction)", async () => {
    store = await MemoryRecordStore.open();
    store.seed([["a", "1"]]);
    expect(store.write("a", "2")).toBe(2);
    expect(() =>
      store?.seed([
        ["b", "x"],
        ["a", "again"],
      ]),
    ).toThrow(/UNIQUE/);
    expect(store.read("b")).toEqual({ value: null, version: 0 });
    expect(store.read("a")).toEqual({ value: "2", version: 2 });
    store.seed([["c", "y"]]);
    store.fill({ prefix: "k", count: 2, value: "z" });
    expect([store.read("c"), store.read("k1"), store.write("c", "w")]).toEqual([
      { value: "y", version: 1 },
      { value: "z", version: 1 },
      2,
    ]);
  });

  it("keeps separate stores apart", async () => {
    store = await MemoryRecordStore.open();
    const other = await MemoryRecordStore.open();
    store.seed([["k", "a"]]);
    expect(other.read("k")).toEqual({ value: null, version: 0 });
    await other.close();
  });
});
