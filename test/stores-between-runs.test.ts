// Guards the in-process stores a thread keeps between a sweep's runs: the Redis and the SQLite database
// are kept only while runs are held (keepBetweenRuns), handed to the next run empty (the Redis never
// once a run has subscribed), and let go (disconnected, closed) when the hold ends.
import { describe, expect, it } from "vitest";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { keepBetweenRuns } from "../sim/core/betweenRuns.ts";

/** The store's ioredis-mock instance (private: the test looks at its identity only). */
const instanceOf = (store: MemoryCacheStore) => (store as unknown as { redis: { connected: boolean } }).redis;

describe("the in-process Redis between runs", () => {
  it("is the next run's, emptied, while runs are held, and a new one otherwise", async () => {
    const alone = new MemoryCacheStore();
    alone.set("k", "v1");
    await alone.close();
    const afterAlone = new MemoryCacheStore();
    expect(instanceOf(afterAlone)).not.toBe(instanceOf(alone));
    await afterAlone.close();

    const release = keepBetweenRuns();
    try {
      const first = new MemoryCacheStore();
      first.set("k", "v1");
      expect(first.get("k")).toBe("v1");
      await first.close();
      const second = new MemoryCacheStore();
      expect(instanceOf(second)).toBe(instanceOf(first));
      // Emptied: nothing of the first run's keyspace reaches the second.
      expect(second.get("k")).toBeNull();
      second.set("k", "v2");
      await second.close();
      // A run that subscribed (an invalidation broadcast) hands its instance to nobody.
      const third = new MemoryCacheStore();
      expect(instanceOf(third)).toBe(instanceOf(first));
      await third.publish("hello");
      await third.close();
      const fourth = new MemoryCacheStore();
      expect(instanceOf(fourth)).not.toBe(instanceOf(third));
      expect(fourth.get("k")).toBeNull();
      await fourth.close();
      const kept = instanceOf(fourth);
      expect(kept.connected).toBe(true);
      release();
      // Let go: the kept instance is disconnected, and the next run makes its own.
      expect(kept.connected).toBe(false);
      const fifth = new MemoryCacheStore();
      expect(instanceOf(fifth)).not.toBe(kept);
      await fifth.close();
    } finally {
      release();
    }
  });

  it("the SQLite database too: the next run's, with no rows, while runs are held", async () => {
    const dbOf = (store: MemoryRecordStore) =>
      (store as unknown as { db: { exec(sql: string): Array<{ values: unknown[][] }> } }).db;
    const rows = (store: MemoryRecordStore) =>
      dbOf(store).exec("SELECT count(*) FROM records")[0]?.values[0]?.[0];
    const alone = await MemoryRecordStore.open();
    alone.write("k", "v1");
    await alone.close();
    const afterAlone = await MemoryRecordStore.open();
    expect(dbOf(afterAlone)).not.toBe(dbOf(alone));
    await afterAlone.close();

    const release = keepBetweenRuns();
    try {
      const first = await MemoryRecordStore.open();
      first.seed([["s", "seeded"]]);
      expect(first.write("k", "v1")).toBe(1);
      expect(first.read("k")).toEqual({ value: "v1", version: 1 });
      await first.close();
      const second = await MemoryRecordStore.open();
      expect(dbOf(second)).toBe(dbOf(first));
      // Emptied: the first run's rows, seeded and written, are gone, and versions start again.
      expect(rows(second)).toBe(0);
      expect(second.read("s").version).toBe(0);
      expect(second.write("k", "v2")).toBe(1);
      await second.close();
      const kept = dbOf(second);
      release();
      // Let go: the kept database is closed, and the next run opens its own.
      expect(() => kept.exec("SELECT 1")).toThrow();
      const third = await MemoryRecordStore.open();
      expect(dbOf(third)).not.toBe(kept);
      await third.close();
    } finally {
      release();
    }
  });
});
