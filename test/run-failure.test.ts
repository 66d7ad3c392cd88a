// Guards what a run does when a backend goes away mid-run: it stops with the backend's error, leaves no
// report that looks complete (an earlier report stays untouched), and still closes both backends.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import type { CacheStore } from "../sim/model/ports.ts";
import { runScenario } from "../sim/run/runner.ts";
import { scenarioFromText } from "./support/runText.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-failure-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCENARIO = `
strategy: global
duration: 10s
nodes: [A, B]
data: { fill: { count: 100 } }
workloads:
  - generator: { rate: 1000, keys: { count: 100 } }
`;

/** A Redis that answers `callsBeforeDrop` requests and then loses its connection. */
class DroppingCacheStore implements CacheStore {
  readonly description = "dropping";
  private readonly inner = new MemoryCacheStore();
  private calls = 0;
  closed = false;
  constructor(private readonly callsBeforeDrop: number) {}
  private check(): Promise<void> {
    this.calls++;
    if (this.calls > this.callsBeforeDrop) {
      return Promise.reject(
        new BackendError("redis 127.0.0.1:6379: connection lost during the run", { backend: "redis" }),
      );
    }
    return Promise.resolve();
  }
  async get(key: string) {
    await this.check();
    return this.inner.get(key);
  }
  async set(key: string, value: string) {
    await this.check();
    return this.inner.set(key, value);
  }
  del(key: string) {
    return this.inner.del(key);
  }
  setIfNewer(key: string, entry: string, version: number, nowUs: number) {
    return this.inner.setIfNewer(key, entry, version, nowUs);
  }
  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number) {
    return this.inner.takeLease(key, token, nowUs, leaseExpiresAtUs);
  }
  fillLease(key: string, token: number, nowUs: number, entry: string) {
    return this.inner.fillLease(key, token, nowUs, entry);
  }
  publish(message: string) {
    return this.inner.publish(message);
  }
  locate() {
    return null;
  }
  async close() {
    this.closed = true;
    await this.inner.close();
  }
}

describe("a backend lost mid-run", () => {
  it("fails the run with the backend's error, keeps the earlier report, and closes both stores", async () => {
    const outDir = path.join(tmp, "report");
    mkdirSync(outDir);
    // An earlier, complete report at the same place must survive the failed run.
    const earlier = await runScenario(scenarioFromText(SCENARIO), { outDir });
    expect(earlier.files).toContain("summary.csv");
    const before = readFileSync(path.join(outDir, "summary.csv"), "utf8");

    const cache = new DroppingCacheStore(500);
    const records = await MemoryRecordStore.open();
    let recordsClosed = false;
    const closeRecords = records.close.bind(records);
    records.close = async () => {
      recordsClosed = true;
      await closeRecords();
    };
    await expect(
      runScenario(scenarioFromText(SCENARIO), { outDir, backends: { cache, records } }),
    ).rejects.toThrow(/connection lost during the run/);
    expect(cache.closed).toBe(true);
    expect(recordsClosed).toBe(true);
    expect(readFileSync(path.join(outDir, "summary.csv"), "utf8")).toBe(before);
    expect(readdirSync(tmp).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("reports a failure to clean up together with the run's own error, not instead of it", async () => {
    const cache = new DroppingCacheStore(10);
    cache.close = async () => {
      throw new Error("could not delete 3 keys");
    };
    const outDir = path.join(tmp, "never");
    const run = runScenario(scenarioFromText(SCENARIO), {
      outDir,
      backends: { cache, records: await MemoryRecordStore.open() },
    });
    await expect(run).rejects.toThrow("connection lost during the run");
    await expect(run).rejects.toThrow("cleaning up afterwards also failed: could not delete 3 keys");
    expect(existsSync(outDir)).toBe(false);
  });
});
