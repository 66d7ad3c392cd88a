// Guards the read and write paths of each strategy: where reads are served, what they cost in virtual
// time, that Redis TTL follows the virtual clock to the microsecond, and the races each path allows.
import { describe, expect, it } from "vitest";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

function traceRows(csv: string | undefined): Array<Record<string, string>> {
  const [header, ...lines] = (csv ?? "").trim().split("\n");
  const names = (header ?? "").split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell])));
}

describe("global strategy", () => {
  it("serves a shard entry until 1 us before its TTL and not at it (virtual clock, not wall clock)", async () => {
    const { result, files } = await runToTexts(
      scenarioFromText(`
strategy: global
duration: 60s
defaults: { cache: { capacity: 0 }, network: { cache: 0, database: 0 } }
nodes: [A, B]
globalCache: { shards: [node_a], ttl: 30s }
data: { values: { k: v } }
workloads:
  - node: A
    script: [ { at: 0, op: read, key: k } ]
  - node: B
    script:
      - { at: 29999999us, op: read, key: k }
      - { at: 30s, op: read, key: k }
expect:
  - read: { node: B, at: 29999999us }
    servedFrom: global
  - read: { node: B, at: 30s }
    servedFrom: database
`),
    );
    expect(result.expectations.map((e) => e.passed)).toEqual([true, true]);
    expect(result.summary.at(-1)?.counters.globalExpirations).toBe(1);
    expect(traceRows(files["trace.csv"]).map((r) => r.served_from)).toEqual([
      "database",
      "global",
      "database",
    ]);
  });

  it("charges each hop: global hit 2 cache hops, miss 2 cache + 2 database + 2 cache (fill), write 2 db + 2 cache", async () => {
    const { files } = await runToTexts(
      scenarioFromText(`
strategy: global
duration: 1s
defaults: { cache: { capacity: 0 }, network: { cache: 300us, database: 2ms } }
nodes: [A]
globalCache: { shards: [s] }
data: { values: { k: v } }
workloads:
  - node: A
    script:
      - { at: 0, op: read, key: k }
      - { at: 10ms, op: read, key: k }
      - { at: 20ms, op: write, key: k, value: w }
`),
    );
    expect(traceRows(files["trace.csv"]).map((r) => [r.op, r.served_from, r.latency_us])).toEqual([
      ["read", "database", "5200"],
      ["read", "global", "600"],
      ["write", "", "4600"],
    ]);
  });

  it("lets a slow read-through fill overwrite a newer write-through value (the classic race)", async () => {
    // B's miss comes back at 20 ms and it reads v1 from the database then; A's write commits v2 at
    // 22 ms and reaches the cache at 24 ms; B's fill of v1 lands at 30 ms, so C reads v1 there: stale.
    const { result } = await runToTexts(
      scenarioFromText(`
strategy: global
duration: 1s
defaults: { cache: { capacity: 0 } }
nodes:
  - { name: A, network: { cache: 1ms, database: 1ms } }
  - { name: B, network: { cache: { dist: constant, value: 10ms }, database: 0 } }
  - { name: C, network: { cache: 0, database: 0 } }
globalCache: { shards: [s] }
data: { values: { k: v1 } }
workloads:
  - node: B
    script: [ { at: 0, op: read, key: k } ]
  - node: A
    script: [ { at: 21ms, op: write, key: k, value: v2 } ]
  - node: C
    script: [ { at: 40ms, op: read, key: k } ]
expect:
  - read: { node: C, at: 40ms }
    value: v1
    stale: true
    servedFrom: global
`),
    );
    expect(result.expectations.every((e) => e.passed)).toBe(true);
  });
});

describe("local strategy", () => {
  it("never touches the global cache and updates only the writer's cache", async () => {
    const { result } = await runToTexts(
      scenarioFromText(`
strategy: local
duration: 1s
defaults: { cache: { capacity: 10, ttl: 0 }, network: { database: 1ms } }
nodes: [A, B]
data: { values: { k: v1 } }
workloads:
  - node: A
    script:
      - { at: 0, op: read, key: k }
      - { at: 10ms, op: write, key: k, value: v2 }
      - { at: 20ms, op: read, key: k }
  - node: B
    script:
      - { at: 1ms, op: read, key: k }
      - { at: 500ms, op: read, key: k }
expect:
  - read: { node: A, at: 20ms }
    value: v2
    servedFrom: local
  - read: { node: B, at: 500ms }
    value: v1
    stale: true
    servedFrom: local
`),
    );
    expect(result.expectations.every((e) => e.passed)).toBe(true);
    const total = result.summary.at(-1)?.counters;
    expect(total?.globalHits).toBe(0);
    expect(total?.staleReads).toBe(1);
  });

  it("reads a key the database never had as absent (version 0) and caches that", async () => {
    const { files } = await runToTexts(
      scenarioFromText(`
strategy: local
duration: 1s
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 0, op: read, key: ghost }
      - { at: 100ms, op: read, key: ghost }
`),
    );
    expect(traceRows(files["trace.csv"]).map((r) => [r.value, r.version, r.served_from])).toEqual([
      ["", "0", "database"],
      ["", "0", "local"],
    ]);
  });
});
