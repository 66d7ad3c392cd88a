// Guards the fault machinery: a timed-out request never completes later (every operation ends exactly
// once), no operation of a crashed node completes after its crash (its awaited events are cancelled in
// the kernel at the crash), shards go down and come back, lost
// and delayed invalidations, single-flight's waiting reads under a crash, and the faults section's
// errors. Property tests draw seeds and fault times.

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { FaultLog } from "../sim/faults/faultLog.ts";
import { TraceLog } from "../sim/metrics/traceLog.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

type Row = Record<string, string>;
const rows = (text: string | undefined): Row[] => parse(text ?? "", { columns: true }) as Row[];

function faultsRow(files: Record<string, string>, fault: string, node = "total"): Row {
  const row = rows(files["faults.csv"]).find((r) => r.fault === fault && r.node === node);
  if (row === undefined) throw new Error(`no faults.csv row ${fault}/${node}`);
  return row;
}

/** A generated workload over two nodes and two shards, with the given faults section. */
function generated(seed: number, requests: number, faults: string, extra = ""): string {
  return `
name: generated
seed: ${seed}
duration: 600s
strategy: global
defaults:
  cache: { capacity: 50, ttl: 2s }
  network: { cache: { dist: uniform, min: 100us, max: 900us }, database: { dist: uniform, min: 1ms, max: 3ms } }
nodes: [A, B, C]
globalCache: { ttl: 5s, shards: [s1, s2] }
data: { fill: { prefix: "k", count: 40, value: v } }
workloads:
  - generator:
      rate: 2000
      requests: ${requests}
      keys: { count: 40, dist: zipf, s: 0.9, prefix: "k" }
      readFraction: 0.8
      balance: random
report: { interval: 100ms, trace: always }
${extra}
faults:
${faults}
`;
}

describe("timeouts", () => {
  it("a timed-out request never completes later: every operation ends exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        async (seed, atMs, forMs, loss) => {
          const requests = 600;
          const text = generated(
            seed,
            requests,
            `  timeout: 3ms
  schedule:
    - { kind: link-loss, tier: all, loss: ${loss}, at: ${atMs}ms, for: ${forMs}ms }
    - { kind: latency-spike, node: B, tier: all, factor: 4, at: ${atMs + 10}ms, for: ${forMs}ms }
    - { kind: partition, node: C, tier: database, at: ${atMs}ms, for: ${forMs}ms }`,
          );
          const { files } = await runToTexts(scenarioFromText(text));
          const summary = rows(files["summary.csv"]).find((r) => r.node === "total") as Row;
          const run = faultsRow(files, "run");
          const ended =
            Number(summary.reads) +
            Number(summary.writes) +
            Number(run.reads_failed) +
            Number(run.writes_failed) +
            Number(run.ops_dropped) +
            Number(run.ops_refused);
          expect(ended).toBe(requests);
          // Every read recorded in the trace took at most a few timeouts, never an answer that came late.
          for (const r of rows(files["trace.csv"]))
            expect(Number(r.latency_us)).toBeLessThan(4 * 3_000 + 10_000);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);

  it("a partitioned node's reads fall back to the database after the timeout", async () => {
    const text = `
name: fallback
duration: 1s
strategy: global
defaults: { cache: { capacity: 0 }, network: { cache: 500us, database: 2ms } }
nodes: [A]
data: { values: { k: v } }
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k }
      - { at: 100ms, op: read, key: k }
faults:
  timeout: 20ms
  schedule: [{ kind: partition, node: A, at: 50ms, for: 100ms }]
`;
    const { files } = await runToTexts(scenarioFromText(text));
    const trace = rows(files["trace.csv"]);
    expect(trace.map((r) => [r.served_from, r.latency_us])).toEqual([
      ["database", "6000"],
      ["database", "24000"],
    ]);
    expect(faultsRow(files, "0").cache_timeouts).toBe("1");
  });

  it("readFallback: fail fails the read instead, counted and not recorded", async () => {
    const text = `
name: fail
duration: 1s
strategy: global
defaults: { cache: { capacity: 0 } }
nodes: [A]
data: { values: { k: v } }
workloads:
  - node: A
    script: [{ at: 100ms, op: read, key: k }]
faults:
  readFallback: fail
  schedule: [{ kind: partition, node: A, at: 50ms }]
`;
    const { files } = await runToTexts(scenarioFromText(text));
    expect(faultsRow(files, "run").reads_failed).toBe("1");
    expect(rows(files["summary.csv"]).find((r) => r.node === "total")?.reads).toBe("0");
  });
});

describe("crash", () => {
  it("no operation of a crashed node completes after its crash, and it starts nothing while down", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 250 }),
        fc.integer({ min: 1, max: 100 }),
        async (seed, atMs, forMs) => {
          const requests = 600;
          const text = generated(
            seed,
            requests,
            `  schedule:
    - { kind: crash, node: B, at: ${atMs}ms, for: ${forMs}ms }`,
          );
          const { files } = await runToTexts(scenarioFromText(text));
          const crashUs = atMs * 1000;
          const restartUs = crashUs + forMs * 1000;
          for (const r of rows(files["trace.csv"])) {
            if (r.node !== "B") continue;
            const startUs = Number(r.time_us);
            const endUs = startUs + Number(r.latency_us);
            // Begun before the crash: finished before it (or at its very instant, before it ran).
            if (startUs < crashUs) expect(endUs).toBeLessThanOrEqual(crashUs);
            else expect(startUs).toBeGreaterThanOrEqual(restartUs);
          }
          const summary = rows(files["summary.csv"]).find((r) => r.node === "total") as Row;
          const run = faultsRow(files, "run");
          expect(
            Number(summary.reads) +
              Number(summary.writes) +
              Number(run.reads_failed) +
              Number(run.writes_failed) +
              Number(run.ops_dropped) +
              Number(run.ops_refused),
          ).toBe(requests);
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});

describe("crash by cancellation", () => {
  it("no answer or timeout of a crashed node's operation runs after its crash: all are dropped at the crash", async () => {
    const original = { arrived: FaultLog.prototype.arrived, dropped: FaultLog.prototype.dropped };
    const late: string[] = [];
    const dropTimes: number[] = [];
    let dropsSeen = 0;
    const arrived = vi.spyOn(FaultLog.prototype, "arrived").mockImplementation(function (this: FaultLog, op) {
      if (op.epoch !== op.node.epoch) late.push(`${op.node.name} op ${op.opId}`);
      original.arrived.call(this, op);
    });
    const dropped = vi.spyOn(FaultLog.prototype, "dropped").mockImplementation(function (this: FaultLog, op) {
      dropTimes.push((this as unknown as { scheduler: { nowUs: number } }).scheduler.nowUs);
      original.dropped.call(this, op);
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 1, max: 250 }),
          fc.integer({ min: 1, max: 100 }),
          async (seed, atMs, forMs) => {
            late.length = 0;
            dropTimes.length = 0;
            const text = generated(
              seed,
              600,
              `  schedule:
    - { kind: crash, node: B, at: ${atMs}ms, for: ${forMs}ms }
    - { kind: link-loss, node: B, tier: all, loss: 0.2, at: 0ms }`,
            );
            const { files } = await runToTexts(scenarioFromText(text));
            expect(late).toEqual([]);
            // Every drop is the crash's own, made at its instant, and the report counts each one once.
            expect(new Set(dropTimes)).toEqual(new Set(dropTimes.length > 0 ? [atMs * 1000] : []));
            expect(Number(faultsRow(files, "run", "B").ops_dropped)).toBe(dropTimes.length);
            dropsSeen += dropTimes.length;
          },
        ),
        { numRuns: 8 },
      );
      expect(arrived).toHaveBeenCalled();
      // The crashes did catch operations in flight (the property was not met vacuously).
      expect(dropsSeen).toBeGreaterThan(0);
    } finally {
      arrived.mockRestore();
      dropped.mockRestore();
    }
  }, 120_000);
});

describe("crash under single-flight", () => {
  // A scripted world: B's three reads of k miss and coalesce on the first one's database read; B crashes
  // while it is in flight and comes back; its next read of k must be served, not join the dead flight.
  const text = `
name: single-flight-crash
duration: 1s
strategy: global
defaults: { cache: { capacity: 0 }, network: { cache: 1ms, database: 10ms } }
nodes: [A, B]
globalCache: { ttl: 0s, shards: [s1] }
data: { values: { k: v } }
mitigations: [single-flight]
workloads:
  - node: B
    script:
      - { at: 0ms, op: read, key: k }
      - { at: 1ms, op: read, key: k }
      - { at: 2ms, op: read, key: k }
      - { at: 100ms, op: read, key: k }
faults:
  schedule: [{ kind: crash, node: B, at: 8ms, for: 20ms }]
`;

  it("drops the waiting followers with their leader, and a read after the restart is served", async () => {
    // trace.csv is told at once that the dropped reads will never finish, so later rows need not wait.
    const abandoned: number[] = [];
    const original = TraceLog.prototype.abandon;
    const abandon = vi.spyOn(TraceLog.prototype, "abandon").mockImplementation(function (this: TraceLog, id) {
      abandoned.push(id);
      original.call(this, id);
    });
    let files: Record<string, string>;
    try {
      ({ files } = await runToTexts(scenarioFromText(text)));
    } finally {
      abandon.mockRestore();
    }
    expect(abandoned.sort()).toEqual([0, 1, 2]);
    const trace = rows(files["trace.csv"]);
    expect(trace.map((r) => [r.time_us, r.node, r.served_from])).toEqual([["100000", "B", "database"]]);
    expect(faultsRow(files, "run", "B").ops_dropped).toBe("3");
  });
});

describe("the faults section", () => {
  it("names a fault's unknown node, shard or kind with its position", () => {
    const base = (fault: string) => `
strategy: global
nodes: [A]
faults:
  schedule:
    - ${fault}
`;
    expect(() => scenarioFromText(base("{ kind: crash, node: Z, at: 1s }"))).toThrow(
      /faults\.schedule\[0\]\.node.*one of the scenario's nodes/s,
    );
    expect(() => scenarioFromText(base("{ kind: shard-down, shard: nope, at: 1s }"))).toThrow(
      /faults\.schedule\[0\]\.shard.*shards/s,
    );
    expect(() => scenarioFromText(base("{ kind: meteor, at: 1s }"))).toThrow(
      /faults\.schedule\[0\]\.kind.*partition/s,
    );
    expect(() => scenarioFromText(base("{ kind: partition, at: 1s, tier: disk }"))).toThrow(
      /faults\.schedule\[0\]\.tier.*cache, database, broker, all/s,
    );
    expect(() => scenarioFromText(base("{ kind: partition, at: 2h }"))).toThrow(
      /faults\.schedule\[0\]\.at.*before the end/s,
    );
  });
});

describe("the database as a resource", () => {
  it("queues requests beyond its connections, first come first served, with exact waits", async () => {
    const text = `
name: pool
duration: 1s
strategy: local
defaults: { cache: { capacity: 0 }, network: { database: 1ms } }
nodes: [A]
database: { connections: 1, service: 2ms }
data: { values: { a: 1, b: 2, c: 3 } }
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: a }
      - { at: 0ms, op: read, key: b }
      - { at: 0ms, op: read, key: c }
report: { interval: 100ms }
`;
    const { files } = await runToTexts(scenarioFromText(text));
    // 1ms there, 2ms service each one after the other, 1ms back: 4, 6 and 8 ms.
    expect(rows(files["trace.csv"]).map((r) => r.latency_us)).toEqual(["4000", "6000", "8000"]);
    const run = rows(files["database.csv"]).find((r) => r.time_us === "run") as Row;
    expect([run.requests, run.peak_in_use, run.queue_wait_p50_us, run.queue_wait_max_us]).toEqual([
      "3",
      "1",
      "2000",
      "4000",
    ]);
  });

  it("write-behind's flush takes a connection: it waits behind a read, and counts as a request", async () => {
    // B's database read holds the one connection from 9 ms to 29 ms; the flush due at 10 ms waits for it,
    // so A's write commits at 29 ms (flush lag 29 ms, not 10), and B's read at 20 ms still sees "old".
    const text = `
name: flush-pool
duration: 1s
strategy: { write: { name: write-behind, delay: 10ms, batch: 10 } }
defaults: { cache: { capacity: 0 }, network: { cache: 0, database: 0 } }
nodes: [A, B]
globalCache: { shards: [s1], ttl: 1ms }
database: { connections: 1, service: 20ms }
data: { values: { x: old, y: other } }
workloads:
  - node: A
    script: [{ at: 0ms, op: write, key: x, value: new }]
  - node: B
    script:
      - { at: 9ms, op: read, key: y }
      - { at: 30ms, op: read, key: x }
report: { interval: 100ms }
`;
    const { files } = await runToTexts(scenarioFromText(text));
    const total = rows(files["summary.csv"]).find((r) => r.node === "total") as Row;
    expect([total.flush_lag_max_us, total.db_requests]).toEqual(["29000", "3"]);
    const run = rows(files["database.csv"]).find((r) => r.time_us === "run") as Row;
    expect([run.requests, run.queue_wait_max_us]).toEqual(["3", "19000"]);
    // The read of x at 30 ms waits for the flush's connection (29 to 49 ms) and gets the committed value.
    expect(rows(files["trace.csv"]).map((r) => [r.time_us, r.key, r.value])).toEqual([
      ["0", "x", "new"],
      ["9000", "y", "other"],
      ["30000", "x", "new"],
    ]);
  });

  it("leaves scenarios without a database section on the exact old path (no database.csv)", async () => {
    const text = `
strategy: local
nodes: [A]
workloads: [{ node: A, script: [{ at: 0ms, op: read, key: a }] }]
`;
    const { files } = await runToTexts(scenarioFromText(text));
    expect(Object.keys(files).sort()).toEqual(["summary.csv", "timeseries.csv", "trace.csv"]);
  });
});

describe("stampede mitigations", () => {
  const coldReads = (mitigations: string) => `
name: sf
duration: 1s
strategy: global
defaults: { cache: { capacity: 0 }, network: { cache: 500us, database: 2ms } }
nodes: [A, B]
database: { connections: 8 }
data: { values: { k: v } }
workloads:
  - node: A
    script:
      - { at: 0us, op: read, key: k }
      - { at: 100us, op: read, key: k }
      - { at: 200us, op: read, key: k }
  - node: B
    script:
      - { at: 300us, op: read, key: k }
report: { interval: 100ms }
${mitigations}
`;

  it("single-flight: a node's concurrent misses share one database read; each read keeps its own start", async () => {
    const without = await runToTexts(scenarioFromText(coldReads("")));
    const { files } = await runToTexts(scenarioFromText(coldReads("mitigations: [single-flight]")));
    const requests = (f: Record<string, string>) =>
      (rows(f["database.csv"]).find((r) => r.time_us === "run") as Row).requests;
    expect(requests(without.files)).toBe("4");
    // One for node A's three reads, one for node B's (coalescing is per node).
    expect(requests(files)).toBe("2");
    const trace = rows(files["trace.csv"]);
    expect(trace.map((r) => [r.node, r.time_us, r.value, r.served_from])).toEqual([
      ["A", "0", "v", "database"],
      ["A", "100", "v", "database"],
      ["A", "200", "v", "database"],
      ["B", "300", "v", "database"],
    ]);
    // Followers finish with the leader (at 5.5ms: 0.5 to the cache and back, 4 to the database and back,
    // and the fill), so each one's latency counts from its own start.
    const latencies = trace.map((r) => Number(r.time_us) + Number(r.latency_us));
    expect(new Set(latencies.slice(0, 3)).size).toBe(1);
  });

  it("names an unknown mitigation and a bad option with their position", () => {
    const base = (m: string) => `strategy: global\nnodes: [A]\nmitigations: ${m}\n`;
    expect(() => scenarioFromText(base("[coalesce]"))).toThrow(
      /mitigations\[0\].*single-flight, xfetch, ttl-jitter/s,
    );
    expect(() => scenarioFromText(base("[{ name: xfetch, beta: -1 }]"))).toThrow(/mitigations\[0\]\.beta/s);
  });

  it("the stampede scenarios: each protection cuts the database requests of the unprotected run", async () => {
    const requests: Record<string, number> = {};
    for (const m of ["none", "single-flight", "xfetch", "combined", "lease", "stale-while-revalidate"]) {
      const { files, result } = await runToTexts(
        scenarioFromText(readFileSync(`scenarios/faults/stampede-${m}.yaml`, "utf8")),
      );
      expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
      requests[m] = Number((rows(files["database.csv"]).find((r) => r.time_us === "run") as Row).requests);
    }
    expect(requests["single-flight"]).toBeLessThan((requests.none as number) / 2);
    expect(requests.xfetch).toBeLessThan((requests.none as number) / 2);
    expect(requests.combined).toBeLessThan(requests.xfetch as number);
    // Across nodes: a global lease and stale-while-revalidate cost about one request per key per expiry
    // (4 keys x 40 TTL periods), stale-while-revalidate plus its unprotected cold start.
    expect(requests.lease).toBeLessThanOrEqual(160);
    expect(requests["stale-while-revalidate"]).toBeLessThan(requests.combined as number);
  }, 120_000);
});
