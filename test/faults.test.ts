// Guards the fault machinery: a timed-out request never completes later (every operation ends exactly
// once), no operation of a crashed node completes after its crash, shards go down and come back, lost
// and delayed invalidations, and the faults section's errors. Property tests draw seeds and fault times.

import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
