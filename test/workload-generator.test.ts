// Guards the generator and the YCSB presets as a strategy sees them: op mixes, inserts that grow the
// key space, scans as consecutive reads, read-modify-write as a read then a write of the same key,
// value sizes, closed-loop pacing, and the option checks that relate fields to each other.
import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { Scheduler } from "../sim/core/scheduler.ts";
import { Oracle } from "../sim/model/oracle.ts";
import { workloadKinds } from "../sim/workloads/kinds.ts";
import { FakeOperations, fakeNodes } from "./support/fakeOperations.ts";

async function drive(
  kind: string,
  options: unknown,
  { latencyUs = 0, untilUs = 100_000_000, nodes = ["A"] } = {},
) {
  const plugin = workloadKinds.get(kind);
  const parsed = plugin.options.safeParse(options);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const scheduler = new Scheduler();
  const ops = new FakeOperations(scheduler, latencyUs);
  plugin.create({ nodes, baseDir: "." }, parsed.data).start({
    scheduler,
    strategy: ops,
    nodesByName: fakeNodes(...nodes),
    rng: new RngStreams(11),
    oracle: new Oracle(),
    streamPrefix: "workload[0]",
  });
  await scheduler.run(untilUs, 1e8);
  return ops;
}

function issues(kind: string, options: unknown): string[] {
  const r = workloadKinds.get(kind).options.safeParse(options);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const share = (n: number, of: number) => n / of;

describe("generator", () => {
  it("makes the op mix it is given", async () => {
    const ops = await drive(
      "generator",
      {
        rate: 1000,
        requests: 20_000,
        keys: { count: 100 },
        mix: { read: 0.5, update: 0.2, insert: 0.1, readModifyWrite: 0.2 },
      },
      { latencyUs: 10 },
    );
    const reads = ops.calls.filter((c) => c.op === "read").length;
    const writes = ops.calls.filter((c) => c.op === "write").length;
    // Reads: 0.5 + 0.2 (the read half of read-modify-write); writes: 0.2 + 0.1 + 0.2.
    expect(share(reads, 20_000)).toBeCloseTo(0.7, 1);
    expect(share(writes, 20_000)).toBeCloseTo(0.5, 1);
    const inserted = ops.calls.filter((c) => c.op === "write" && Number(c.key.slice(4)) >= 100);
    expect(share(inserted.length, 20_000)).toBeCloseTo(0.1, 1);
    // Inserts take new keys in order, each once.
    expect(inserted.map((c) => c.key)).toEqual(inserted.map((_, i) => `key:${100 + i}`));
  });

  it("read-modify-write writes the key it read, once the read is done", async () => {
    const ops = await drive(
      "generator",
      {
        rate: 100,
        requests: 50,
        keys: { count: 10 },
        mix: { readModifyWrite: 1 },
      },
      { latencyUs: 300 },
    );
    expect(ops.calls.length).toBe(100);
    const byKeyAndTime = new Map(
      ops.calls.filter((c) => c.op === "read").map((c) => [`${c.key}@${c.atUs + 300}`, c]),
    );
    for (const w of ops.calls.filter((c) => c.op === "write"))
      expect(byKeyAndTime.has(`${w.key}@${w.atUs}`)).toBe(true);
  });

  it("a scan reads consecutive keys, all at once, wrapping at the end of the space", async () => {
    const ops = await drive("generator", {
      rate: 10,
      requests: 30,
      keys: { count: 50, dist: "sequential", start: 45 },
      mix: { scan: 1 },
      scanLength: { min: 3, max: 8 },
    });
    const first = ops.calls.filter((c) => c.atUs === ops.calls[0]?.atUs);
    expect(first.length).toBeGreaterThanOrEqual(3);
    expect(first.length).toBeLessThanOrEqual(8);
    expect(first.map((c) => c.key)).toEqual(first.map((_, i) => `key:${(45 + i) % 50}`));
    const lengths = new Map<number, number>();
    for (const c of ops.calls) lengths.set(c.atUs, (lengths.get(c.atUs) ?? 0) + 1);
    expect(Math.min(...lengths.values())).toBeGreaterThanOrEqual(3);
    expect(Math.max(...lengths.values())).toBeLessThanOrEqual(8);
  });

  it("writes values of the sizes asked for", async () => {
    const ops = await drive("generator", {
      rate: 100,
      requests: 200,
      keys: { count: 10 },
      readFraction: 0,
      valueSize: { dist: "uniform", min: 2, max: 5000 },
    });
    const sizes = ops.calls.map((c) => c.value?.length ?? -1);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5000);
    expect(ops.calls[0]?.value?.startsWith("A#1")).toBe(true);
    const fixed = await drive("generator", {
      rate: 1,
      requests: 3,
      keys: { count: 1 },
      readFraction: 0,
      valueSize: { dist: "fixed", bytes: 2 },
    });
    expect(fixed.calls.map((c) => c.value)).toEqual(["A#", "A#", "A#"]);
  });

  it("closed loop: throughput is clients / (latency + think)", async () => {
    const ops = await drive(
      "generator",
      { keys: { count: 10 }, arrival: { process: "closed", clients: 3, think: "1ms" } },
      { latencyUs: 4_000, untilUs: 1_000_000 },
    );
    expect(ops.inFlightMax).toBe(3);
    expect(ops.calls.length).toBe(600);
  });

  it("checks the fields that go together", () => {
    expect(issues("generator", { keys: { count: 1 } })).toEqual([
      "rate: expected a rate (requests per virtual second) for poisson arrivals",
    ]);
    expect(issues("generator", { rate: 5, keys: { count: 1 }, arrival: "closed" })).toEqual([
      "rate: no `rate:` with closed arrivals (clients and their latency set the pace)",
    ]);
    expect(issues("generator", { rate: 5, keys: { count: 1 }, readFraction: 1, mix: { read: 1 } })).toEqual([
      "mix: either `readFraction:` or `mix:`, not both",
    ]);
    expect(issues("generator", { rate: 5, keys: { count: 1 }, mix: { read: 0.5 } })).toEqual([
      "mix: expected proportions of read, update, insert, scan, readModifyWrite that sum to 1",
    ]);
  });
});

describe("ycsb", () => {
  it("a–c: reads and updates in YCSB's proportions over zipfian keys", async () => {
    for (const [workload, readShare] of [
      ["a", 0.5],
      ["b", 0.95],
      ["c", 1],
    ] as const) {
      const ops = await drive("ycsb", { workload, requests: 10_000, records: 1000 }, { latencyUs: 100 });
      expect(ops.calls.length).toBe(10_000);
      expect(share(ops.calls.filter((c) => c.op === "read").length, 10_000)).toBeCloseTo(readShare, 1);
      // Zipfian: key 0 is the hottest, with P ≈ 0.13 for 1000 keys and constant 0.99.
      const hottest = ops.calls.filter((c) => c.key === "key:0").length;
      expect(share(hottest, 10_000)).toBeCloseTo(0.13, 1);
    }
  });

  it("d: 5% inserts, and reads favour the latest keys", async () => {
    const ops = await drive("ycsb", { workload: "d", requests: 20_000, records: 1000 }, { latencyUs: 100 });
    const inserts = ops.calls.filter((c) => c.op === "write");
    expect(share(inserts.length, 20_000)).toBeCloseTo(0.05, 2);
    expect(inserts[0]?.key).toBe("key:1000");
    const reads = ops.calls.filter((c) => c.op === "read");
    const recent = reads.filter((c) => Number(c.key.slice(4)) >= 900);
    expect(share(recent.length, reads.length)).toBeGreaterThan(0.6);
  });

  it("e: scans of 1..100 consecutive keys and 5% inserts; a scan is done when its last read is", async () => {
    const ops = await drive("ycsb", { workload: "e", requests: 2000, records: 1000 }, { latencyUs: 100 });
    const inserts = ops.calls.filter((c) => c.op === "write").length;
    expect(share(inserts, 2000)).toBeCloseTo(0.05, 1);
    // One client: each scan's reads start together, and the next request waits for all of them.
    const starts = new Map<number, number>();
    for (const c of ops.calls.filter((x) => x.op === "read"))
      starts.set(c.atUs, (starts.get(c.atUs) ?? 0) + 1);
    const mean = [...starts.values()].reduce((a, b) => a + b, 0) / starts.size;
    expect(mean).toBeCloseTo(50.5, -1);
    expect(Math.max(...starts.values())).toBeLessThanOrEqual(100);
    expect(ops.inFlightMax).toBeLessThanOrEqual(100);
  });

  it("f: half reads, half read-modify-writes", async () => {
    const ops = await drive("ycsb", { workload: "f", requests: 10_000 }, { latencyUs: 100 });
    const writes = ops.calls.filter((c) => c.op === "write").length;
    expect(share(writes, 10_000)).toBeCloseTo(0.5, 1);
    expect(ops.calls.length).toBe(10_000 + writes);
  });

  it("one client, closed loop, unless given a rate", async () => {
    const closed = await drive("ycsb", { workload: "c", requests: 100 }, { latencyUs: 1_000 });
    expect(closed.inFlightMax).toBe(1);
    expect(closed.calls.at(-1)?.atUs).toBe(99_000);
    const open = await drive("ycsb", { workload: "c", requests: 100, rate: 100_000 }, { latencyUs: 1_000 });
    expect(open.inFlightMax).toBeGreaterThan(10);
    expect(issues("ycsb", { workload: "g" })).toEqual(["workload: expected one of: a, b, c, d, e, f"]);
  });
});
