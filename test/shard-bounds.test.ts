// Guards bounded global-cache shards in whole runs: the store never holds more than a shard's bound
// (entries and bytes), every eviction is a DEL the engine sends and counts apart from user DELs,
// noeviction refuses instead of evicting, conditional stores keep the books exact, and runs repeat.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { valueBytes } from "../sim/model/localCache.ts";
import type { CacheStore, LeaseAnswer, MaybePromise } from "../sim/model/ports.ts";
import { boundedShardWorld } from "./support/boundedShardWorld.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

/** Bytes the engine accounts for an entry as stored: a value's UTF-8 length; tombstones, leases 0. */
function entryBytes(entry: string): number {
  if (entry.startsWith("L|")) return 0;
  const second = entry.indexOf("|", entry.indexOf("|") + 1);
  return entry[second + 1] === "s" ? valueBytes(entry.slice(second + 2)) : 0;
}

/**
 * The in-process store, watched: after every command it checks that no shard (key prefix) holds more
 * than its bound, and it counts the DELs that reach it.
 */
class WatchedStore implements CacheStore {
  readonly description = "watched in-process store";
  private readonly inner = new MemoryCacheStore();
  private readonly held = new Map<string, string>();
  dels = 0;
  mostBytes = 0;
  mostEntries = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntries: number,
  ) {}

  private stored(key: string, entry: string): void {
    this.held.set(key, entry);
    this.check();
  }

  private check(): void {
    const bytes = new Map<string, number>();
    const entries = new Map<string, number>();
    for (const [key, entry] of this.held) {
      if (entry.startsWith("L|")) continue; // a lease holds no value and is not accounted
      const shard = key.slice(0, key.indexOf(":"));
      bytes.set(shard, (bytes.get(shard) ?? 0) + entryBytes(entry));
      entries.set(shard, (entries.get(shard) ?? 0) + 1);
    }
    for (const b of bytes.values()) this.mostBytes = Math.max(this.mostBytes, b);
    for (const n of entries.values()) this.mostEntries = Math.max(this.mostEntries, n);
    expect(this.mostBytes).toBeLessThanOrEqual(this.maxBytes);
    expect(this.mostEntries).toBeLessThanOrEqual(this.maxEntries);
  }

  get(key: string) {
    return this.inner.get(key);
  }
  set(key: string, value: string) {
    this.inner.set(key, value);
    this.stored(key, value);
  }
  del(key: string) {
    this.dels++;
    this.inner.del(key);
    this.held.delete(key);
  }
  setIfNewer(key: string, entry: string, version: number, nowUs: number) {
    const stored = this.inner.setIfNewer(key, entry, version, nowUs);
    if (stored === 1) this.stored(key, entry);
    return stored;
  }
  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): LeaseAnswer {
    const answer = this.inner.takeLease(key, token, nowUs, leaseExpiresAtUs);
    if (answer === "granted") this.held.set(key, `L|${token}|${leaseExpiresAtUs}`);
    return answer;
  }
  fillLease(key: string, token: number, nowUs: number, entry: string) {
    const stored = this.inner.fillLease(key, token, nowUs, entry);
    if (stored === 1) this.stored(key, entry);
    return stored;
  }
  publish(message: string): MaybePromise<void> {
    return this.inner.publish(message);
  }
  locate() {
    return null;
  }
  close() {
    return this.inner.close();
  }
}

const STRATEGIES = {
  "read-through, write-through": "global",
  "cache-aside, invalidate, versioned fill (tombstones)":
    "{ read: cache-aside, write: invalidate, fill: versioned }",
  "cache-aside, invalidate, lease fill": "{ read: cache-aside, write: invalidate, fill: lease }",
};

function world(strategy: string, globalCache: string): string {
  return boundedShardWorld(strategy, globalCache, { seed: 7, requests: 4000, interval: "1s" });
}

function totals(summary: string): Record<string, string> {
  const [header, ...rows] = summary.trim().split("\n");
  const names = (header as string).split(",");
  const total = (rows.find((r) => r.startsWith("total,")) as string).split(",");
  return Object.fromEntries(names.map((n, i) => [n, total[i] as string]));
}

async function run(strategy: string, globalCache: string, maxBytes: number, maxEntries: number) {
  const store = new WatchedStore(maxBytes, maxEntries);
  const scenario = scenarioFromText(world(strategy, globalCache));
  const { files } = await runToTexts(scenario, { cache: store, records: await MemoryRecordStore.open() });
  return { store, total: totals(files["summary.csv"] as string), files };
}

describe("bounded global-cache shards in a run", () => {
  for (const [label, strategy] of Object.entries(STRATEGIES)) {
    for (const policy of ["allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-ttl"]) {
      it(`${label}, ${policy}: never over the bound; evictions are DELs counted apart`, async () => {
        const { store, total } = await run(
          strategy,
          `{ ttl: 30s, capacity: 40, capacityBytes: 600, eviction: ${policy} }`,
          600,
          40,
        );
        const evictions = Number(total.global_evictions);
        expect(evictions).toBeGreaterThan(0);
        expect(Number(total.global_evicted_bytes)).toBeGreaterThan(0);
        // Every DEL that reached the store was a user DEL (cache_dels) or an eviction.
        expect(store.dels).toBe(Number(total.cache_dels) + evictions);
        // The bound was reached, so the check above was not vacuous.
        expect(store.mostBytes > 500 || store.mostEntries === 40).toBe(true);
      });
    }
    it(`${label}, noeviction: refuses instead of evicting, and never goes over`, async () => {
      const { store, total } = await run(strategy, "{ capacityBytes: 600, eviction: noeviction }", 600, 1e9);
      expect(Number(total.global_evictions)).toBe(0);
      expect(Number(total.cache_sets_refused)).toBeGreaterThan(0);
      expect(store.dels).toBe(Number(total.cache_dels));
    });
  }

  it("bounds by entries alone, and a shard's own bound replaces the global one", async () => {
    const { store, total } = await run(
      "global",
      "{ capacity: 25, eviction: allkeys-lru, shards: [a, { name: b, capacity: 10 }] }",
      1e12,
      25,
    );
    expect(store.mostEntries).toBe(25);
    expect(Number(total.global_evictions)).toBeGreaterThan(0);
  });

  it("an unbounded global cache evicts nothing and refuses nothing", async () => {
    const { store, total } = await run("global", "{ eviction: allkeys-lru }", 1e12, 1e9);
    expect(total.global_evictions).toBe("0");
    expect(total.cache_sets_refused).toBe("0");
    expect(store.dels).toBe(0);
  });

  for (const contents of ["empty", "kept"]) {
    it(`stays within bounds when a shard goes down and comes back ${contents}`, async () => {
      const store = new WatchedStore(600, 1e9);
      const text = `${world("global", "{ capacityBytes: 600, eviction: allkeys-lru, shards: [a, b, c] }")}faults:
  schedule:
    - { kind: shard-down, shard: a, contents: ${contents}, at: 300ms, for: 600ms }
`;
      const { files } = await runToTexts(scenarioFromText(text), {
        cache: store,
        records: await MemoryRecordStore.open(),
      });
      expect(Number(totals(files["summary.csv"] as string).global_evictions)).toBeGreaterThan(0);
      expect(store.mostBytes).toBeGreaterThan(500);
    });
  }

  it("an unbounded run survives a shard going down under load (a request in flight names its shard)", async () => {
    const text = `${world("global", "{ shards: [a, b, c] }")}faults:
  schedule:
    - { kind: shard-down, shard: a, contents: empty, at: 300ms, for: 600ms }
`;
    const { files } = await runToTexts(scenarioFromText(text));
    expect(Number(totals(files["summary.csv"] as string).reads)).toBeGreaterThan(2000);
  });

  it("volatile-ttl with no TTL anywhere refuses like noeviction", async () => {
    const { total } = await run(
      "global",
      "{ ttl: 0s, capacityBytes: 600, eviction: volatile-ttl }",
      600,
      1e9,
    );
    expect(total.global_evictions).toBe("0");
    expect(Number(total.cache_sets_refused)).toBeGreaterThan(0);
  });

  it("gives the same bytes for the same seed (allkeys-random and allkeys-lfu draw from the shard's stream)", async () => {
    for (const policy of ["allkeys-random", "allkeys-lfu"]) {
      const globalCache = `{ capacityBytes: 600, eviction: ${policy} }`;
      const first = await run(STRATEGIES["cache-aside, invalidate, lease fill"], globalCache, 600, 1e9);
      const second = await run(STRATEGIES["cache-aside, invalidate, lease fill"], globalCache, 600, 1e9);
      expect(second.files).toEqual(first.files);
    }
  });
});

describe("docs/eviction.md: maxmemory policies side by side", () => {
  it("shows the total rows of the maxmemory-* goldens", () => {
    const readme = readFileSync("docs/eviction.md", "utf8");
    const begin = readme.indexOf("-->\n", readme.indexOf("<!-- maxmemory:begin")) + 4;
    const shown = readme.slice(begin, readme.indexOf("<!-- maxmemory:end -->")).trim().split("\n");
    const columns = ["hit_rate", "global_evictions", "global_evicted_bytes", "cache_sets_refused"];
    const rows = ["noeviction", "allkeys-lru", "allkeys-lfu"].map((policy) => {
      const total = totals(readFileSync(`test/golden/maxmemory-${policy}/summary.csv`, "utf8"));
      return `| ${policy} | ${columns.map((c) => total[c]).join(" | ")} |`;
    });
    expect(shown).toEqual([`| policy | ${columns.join(" | ")} |`, "|---|---|---|---|---|", ...rows]);
  });
});
