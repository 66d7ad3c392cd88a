// Guards timeseries.csv: a row per node and a total for every interval, empty ones included, rows that
// add up to the summary, and no histogram work at all for an interval in which nothing happened.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExactHistogram } from "../sim/core/exactHistogram.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

const SCENARIO = `
name: fine
seed: 1
duration: 1s
strategy: global
defaults:
  cache: { capacity: 10, ttl: 1s }
  network: { cache: 500us, database: 2ms }
nodes: [A, B]
globalCache: { shards: [s1] }
data:
  values: { k1: a, k2: b }
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k1 }
      - { at: 200ms, op: write, key: k1, value: c }
  - node: B
    script:
      - { at: 150ms, op: read, key: k2 }
      - { at: 420ms, op: read, key: k1 }
report: { interval: 1ms }
`;

function table(text: string): Array<Record<string, string>> {
  const [header, ...rows] = text.trim().split("\n");
  const columns = (header as string).split(",");
  return rows.map((row) => Object.fromEntries(row.split(",").map((cell, i) => [columns[i], cell])));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("timeseries.csv", () => {
  it("writes every interval, empty or not, and its rows add up to the summary", async () => {
    const { result, files } = await runToTexts(scenarioFromText(SCENARIO));
    const rows = table(files["timeseries.csv"] as string);
    // The run is idle after B's last read (420 ms + 1 ms, a global hit): 422 intervals of 1 ms, 3 rows each.
    const intervals = Math.ceil((result.stats.endUs + 1) / 1000);
    expect(intervals).toBe(422);
    expect(rows).toHaveLength(intervals * 3);
    expect(rows.map((r) => r.node).slice(0, 6)).toEqual(["A", "B", "total", "A", "B", "total"]);
    for (let i = 0; i < intervals; i++) {
      expect(rows[i * 3]?.time_us).toBe(String(i * 1000));
    }
    const summary = table(files["summary.csv"] as string);
    for (const node of ["A", "B", "total"]) {
      const mine = rows.filter((r) => r.node === node);
      const sum = (column: string) => mine.reduce((n, r) => n + Number(r[column]), 0);
      const row = summary.find((r) => r.node === node) as Record<string, string>;
      expect(sum("reads"), node).toBe(Number(row.reads));
      expect(sum("writes"), node).toBe(Number(row.writes));
    }
    const empty = rows.find((r) => r.time_us === "300000" && r.node === "total") as Record<string, string>;
    expect(empty.reads).toBe("0");
    expect(empty.hit_rate).toBe("");
    expect(empty.read_latency_p50_us).toBe("");
  });

  it("does no histogram work for intervals in which nothing happened", async () => {
    const add = vi.spyOn(ExactHistogram.prototype, "add");
    const reset = vi.spyOn(ExactHistogram.prototype, "reset");
    const { files } = await runToTexts(scenarioFromText(SCENARIO));
    // An interval is busy for a node when anything was counted there: an operation completed, or a
    // request was issued (each leg of an operation counts where it is issued). Each busy node-interval
    // merges the node's five histograms into the run and the total (10 calls) and resets them (5); each
    // busy total resets its five; the summary's total reads through the nodes' histograms without
    // adding them. Empty intervals (hundreds of them here) add and reset nothing.
    const rows = table(files["timeseries.csv"] as string);
    const busy = (r: Record<string, string>) =>
      Object.entries(r).some(([k, v]) => k !== "time_us" && k !== "node" && v !== "" && Number(v) !== 0);
    const busyNodeIntervals = rows.filter((r) => r.node !== "total" && busy(r)).length;
    const busyTotals = rows.filter((r) => r.node === "total" && busy(r)).length;
    expect(busyNodeIntervals).toBeGreaterThan(0);
    expect(busyNodeIntervals).toBeLessThan(20);
    expect(add.mock.calls.length).toBe(busyNodeIntervals * 10);
    expect(reset.mock.calls.length).toBe(busyNodeIntervals * 5 + busyTotals * 5);
  });
});
