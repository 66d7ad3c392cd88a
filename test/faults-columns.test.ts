// Guards the fault and database columns of summary.csv and timeseries.csv: per node they hold what
// faults.csv and database.csv count (the same numbers, one name each), the intervals add up to the run,
// and the database columns of each interval are those of database.csv's row for it.
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricColumnNames } from "../sim/metrics/columns.ts";
import { TALLY, TALLY_COLUMNS } from "../sim/model/tally.ts";
import { FAULT_COUNT_COLUMNS } from "../sim/report/faultsReport.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

type Row = Record<string, string>;
const rows = (text: string | undefined): Row[] => parse(text ?? "", { columns: true }) as Row[];

/** The fault counts that are also summary columns (the others, reads and stale_reads, are the recorder's). */
const FAULT_COLUMNS = Object.values(FAULT_COUNT_COLUMNS).filter(
  (c) => !["reads", "stale_reads", "db_reads_issued"].includes(c),
);

/** Three nodes under write-behind with a crash, a lossy link and a partition, and a database that queues. */
function scenario(seed: number, crashAtMs: number, lossAtMs: number): string {
  return `
name: columns
seed: ${seed}
duration: 600s
strategy: { read: read-through, write: write-behind }
defaults:
  cache: { capacity: 20, ttl: 2s }
  network: { cache: { dist: uniform, min: 100us, max: 900us }, database: { dist: uniform, min: 1ms, max: 3ms } }
nodes: [A, B, C]
globalCache: { ttl: 300ms, shards: [s1, s2] }
database: { connections: 2, service: { dist: uniform, min: 500us, max: 2ms } }
data: { fill: { prefix: "k", count: 30, value: v } }
workloads:
  - generator:
      rate: 3000
      requests: 900
      keys: { count: 30, dist: zipf, s: 0.9, prefix: "k" }
      readFraction: 0.7
      balance: random
report: { interval: 20ms, trace: never }
faults:
  timeout: 4ms
  readFallback: fail
  staleIfError: true
  schedule:
    - { kind: crash, node: B, at: ${crashAtMs}ms, for: 40ms }
    - { kind: link-loss, node: C, tier: all, loss: 0.3, at: ${lossAtMs}ms, for: 60ms }
    - { kind: partition, node: A, tier: database, at: ${lossAtMs + 30}ms, for: 30ms }
`;
}

describe("fault and database columns", () => {
  it("are declared once: the fault counts keep their summary column's name in faults.csv", () => {
    const names = new Set(metricColumnNames());
    for (const column of Object.values(FAULT_COUNT_COLUMNS)) expect(names.has(column), column).toBe(true);
    // Each count's id is its position, and its name in code is its column's in camelCase.
    expect(Object.values(TALLY)).toEqual(TALLY_COLUMNS.map((_, id) => id));
    expect(TALLY_COLUMNS[TALLY.dbReadsIssued]?.column).toBe("db_reads_issued");
    expect(TALLY_COLUMNS[TALLY.cacheSetsRefused]?.column).toBe("cache_sets_refused");
    expect(TALLY_COLUMNS[TALLY.dbRequests]?.column).toBe("db_requests");
  });

  it("summary.csv and timeseries.csv hold what faults.csv and database.csv count", async () => {
    let faultsSeen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 10, max: 200 }),
        async (seed, crashAtMs, lossAtMs) => {
          const { files } = await runToTexts(scenarioFromText(scenario(seed, crashAtMs, lossAtMs)));
          const summary = rows(files["summary.csv"]);
          const timeseries = rows(files["timeseries.csv"]);
          const faultRuns = rows(files["faults.csv"]).filter((r) => r.fault === "run");
          for (const run of faultRuns) {
            const node = summary.find((r) => r.node === run.node) as Row;
            for (const column of FAULT_COLUMNS) {
              expect(node[column], `${run.node} ${column}`).toBe(run[column]);
              faultsSeen += Number(run[column]);
              // Counted where it happens: the intervals add up to the run.
              const perInterval = timeseries.filter((r) => r.node === run.node);
              expect(perInterval.reduce((sum, r) => sum + Number(r[column]), 0)).toBe(Number(run[column]));
            }
          }
          const database = rows(files["database.csv"]);
          const dbRun = database.find((r) => r.time_us === "run") as Row;
          const total = summary.find((r) => r.node === "total") as Row;
          expect([
            total.db_requests,
            total.db_peak_in_use,
            total.db_queue_wait_p50_us,
            total.db_queue_wait_p99_us,
            total.db_queue_wait_max_us,
            total.db_requests_peak,
          ]).toEqual([
            dbRun.requests,
            dbRun.peak_in_use,
            dbRun.queue_wait_p50_us,
            dbRun.queue_wait_p99_us,
            dbRun.queue_wait_max_us,
            dbRun.peak_interval_requests,
          ]);
          const nodes = summary.filter((r) => r.node !== "total");
          expect(nodes.reduce((sum, r) => sum + Number(r.db_requests), 0)).toBe(Number(total.db_requests));
          for (const r of timeseries.filter((t) => t.node === "total")) {
            const db = database.find((d) => d.time_us === r.time_us);
            const expected = db
              ? [
                  db.requests,
                  db.peak_in_use,
                  db.queue_wait_p50_us,
                  db.queue_wait_p99_us,
                  db.queue_wait_max_us,
                ]
              : ["0", "", "", "", ""];
            expect(
              [
                r.db_requests,
                r.db_peak_in_use,
                r.db_queue_wait_p50_us,
                r.db_queue_wait_p99_us,
                r.db_queue_wait_max_us,
              ],
              `interval ${r.time_us}`,
            ).toEqual(expected);
            expect(r.db_requests_peak).toBe(r.db_requests);
          }
        },
      ),
      { numRuns: 6 },
    );
    // The runs did meet faults (the columns were not all zero).
    expect(faultsSeen).toBeGreaterThan(0);
  }, 120_000);

  it("leave the database columns empty (and db_requests 0) without a database section", async () => {
    const { files } = await runToTexts(
      scenarioFromText(`
strategy: local
nodes: [A]
workloads: [{ node: A, script: [{ at: 0ms, op: read, key: a }] }]
`),
    );
    const total = rows(files["summary.csv"]).find((r) => r.node === "total") as Row;
    expect([total.db_requests, total.db_peak_in_use, total.db_queue_wait_max_us, total.reads]).toEqual([
      "0",
      "",
      "",
      "1",
    ]);
  });
});
