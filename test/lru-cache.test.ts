// Guards the local cache with LRU: LRU order, capacity never exceeded (entries and bytes), TTL from fill
// (reads do not extend it), delete, and the byte counters.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LruCache } from "../sim/model/lruCache.ts";

describe("LruCache", () => {
  it("evicts the least recently used entry", () => {
    const c = new LruCache({ capacity: 2, ttlUs: 0 });
    c.set("a", "1", 1, 0);
    c.set("b", "2", 1, 0);
    expect(c.get("a", 1)?.value).toBe("1");
    c.set("c", "3", 1, 2);
    expect(c.get("b", 3)).toBeUndefined();
    expect(c.get("a", 3)?.value).toBe("1");
    expect(c.evictions).toBe(1);
  });

  it("behaves exactly like a reference LRU (recency order, evictions) under random operations", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 12 })), { maxLength: 200 }),
        (capacity, ops) => {
          const c = new LruCache({ capacity, ttlUs: 0 });
          const reference: string[] = []; // most recent first
          let evictions = 0;
          for (const [isSet, k] of ops) {
            const key = `k${k}`;
            const at = reference.indexOf(key);
            if (isSet) {
              c.set(key, "v", 1, 0);
              if (at >= 0) reference.splice(at, 1);
              else if (reference.length >= capacity) {
                reference.pop();
                evictions++;
              }
              reference.unshift(key);
            } else {
              expect(c.get(key, 0) !== undefined).toBe(at >= 0);
              if (at >= 0) reference.unshift(...reference.splice(at, 1));
            }
            expect(c.keysByRecency()).toEqual(reference);
          }
          expect(c.evictions).toBe(evictions);
        },
      ),
    );
  });

  it("never holds more than its capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 })), { maxLength: 300 }),
        (capacity, ops) => {
          const c = new LruCache({ capacity, ttlUs: 0 });
          ops.forEach(([isSet, k], t) => {
            if (isSet) c.set(`k${k}`, "v", 1, t);
            else c.get(`k${k}`, t);
            expect(c.size).toBeLessThanOrEqual(capacity);
          });
        },
      ),
    );
  });

  it("serves an entry until just before its TTL and not at it; a read does not extend it", () => {
    const c = new LruCache({ capacity: 10, ttlUs: 30_000_000 });
    c.set("k", "v", 3, 0);
    expect(c.get("k", 29_999_999)?.version).toBe(3);
    expect(c.get("k", 30_000_000)).toBeUndefined();
    expect(c.expirations).toBe(1);
    expect(c.size).toBe(0);
  });

  it("restarts the TTL when an entry is filled again, and keeps entries forever with TTL 0", () => {
    const c = new LruCache({ capacity: 10, ttlUs: 100 });
    c.set("k", "v1", 1, 0);
    c.set("k", "v2", 2, 50);
    expect(c.get("k", 120)?.value).toBe("v2");
    const forever = new LruCache({ capacity: 1, ttlUs: 0 });
    forever.set("k", null, 0, 0);
    expect(forever.get("k", Number.MAX_SAFE_INTEGER)).toMatchObject({
      value: null,
      version: 0,
      expiresAtUs: Infinity,
    });
  });

  it("empties on clear without counting evictions", () => {
    const c = new LruCache({ capacity: 3, ttlUs: 0 });
    c.set("a", "1", 1, 0);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.evictions).toBe(0);
  });

  it("deletes an entry without counting an eviction, and reports whether it was there", () => {
    const c = new LruCache({ capacity: 2, ttlUs: 0 });
    c.set("a", "1", 1, 0);
    expect(c.delete("a")).toBe(true);
    expect(c.delete("a")).toBe(false);
    expect(c.get("a", 1)).toBeUndefined();
    c.set("b", "2", 1, 2);
    c.set("c", "3", 1, 3);
    expect(c.evictions).toBe(0);
    expect(c.keysByRecency()).toEqual(["c", "b"]);
  });

  it("bounds by bytes (UTF-8 length by default, or the size given) and counts evicted bytes", () => {
    const c = new LruCache({ capacity: 0, capacityBytes: 10, ttlUs: 0 });
    c.set("a", "1234", 1, 0); // 4 bytes
    c.set("b", "é€", 1, 0); // 2 + 3 = 5 bytes
    expect(c.usedBytes).toBe(9);
    c.set("c", "xy", 1, 0); // 11 > 10: "a" goes
    expect(c.keysByRecency()).toEqual(["c", "b"]);
    expect(c.evictedBytes).toBe(4);
    expect(c.set("big", "v", 1, 0, 11)).toBe(false); // larger than the whole cache
    expect(c.rejections).toBe(1);
    expect(c.usedBytes).toBe(7);
  });

  it("bounds by entries and bytes at once", () => {
    const c = new LruCache({ capacity: 2, capacityBytes: 100, ttlUs: 0 });
    c.set("a", "1", 1, 0);
    c.set("b", "2", 1, 0);
    c.set("c", "3", 1, 0);
    expect(c.size).toBe(2);
    expect(c.evictions).toBe(1);
  });

  it("re-inserts an entry whose size changed, keeping the byte count exact", () => {
    const c = new LruCache({ capacity: 0, capacityBytes: 10, ttlUs: 0 });
    c.set("a", "12345", 1, 0);
    c.set("b", "12345", 1, 0);
    c.set("a", "1234567", 2, 1); // a grows to 7: b (now the oldest) goes
    expect(c.keysByRecency()).toEqual(["a"]);
    expect(c.usedBytes).toBe(7);
    expect(c.evictedBytes).toBe(5);
  });
});
