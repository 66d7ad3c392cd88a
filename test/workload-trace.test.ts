// Guards trace replay: the three formats, compression by extension, timing (recorded and by an arrival
// process), spreading over nodes, streaming in bounded memory, and a clear error for every bad trace.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { Scheduler } from "../sim/core/scheduler.ts";
import { Oracle } from "../sim/model/oracle.ts";
import { ScenarioError } from "../sim/spec/errors.ts";
import { workloadKinds } from "../sim/workloads/kinds.ts";
import { FakeOperations, fakeNodes } from "./support/fakeOperations.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-trace-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return name;
}

async function replay(options: Record<string, unknown>, nodes = ["A"], untilUs = 1e12) {
  const plugin = workloadKinds.get("trace");
  const parsed = plugin.options.safeParse(options);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  const scheduler = new Scheduler();
  const ops = new FakeOperations(scheduler, 0);
  plugin.create({ nodes, baseDir: dir }, parsed.data).start({
    scheduler,
    strategy: ops,
    nodesByName: fakeNodes(...nodes),
    rng: new RngStreams(5),
    oracle: new Oracle(),
    streamPrefix: "workload[0]",
  });
  await scheduler.run(untilUs, 1e9);
  return ops.calls;
}

async function failure(options: Record<string, unknown>, nodes = ["A"]): Promise<string> {
  try {
    await replay(options, nodes);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message.replace(dir + path.sep, "");
  }
  throw new Error(`expected the replay of ${String(options.file)} to fail`);
}

function oracleRecords(records: Array<[number, number | bigint, number, number]>): Uint8Array {
  const buf = Buffer.alloc(records.length * 24);
  records.forEach(([time, id, size, next], i) => {
    buf.writeUInt32LE(time, i * 24);
    buf.writeBigUInt64LE(BigInt(id), i * 24 + 4);
    buf.writeUInt32LE(size, i * 24 + 12);
    buf.writeBigInt64LE(BigInt(next), i * 24 + 16);
  });
  return buf;
}

describe("trace formats", () => {
  it("text: one key per line, reads, `*` and blank lines skipped, at a rate", async () => {
    const name = file("lirs.trc", "12\n*\n7\n\n  12 \r\n99");
    const calls = await replay({ file: name, rate: 1000, arrival: "constant" });
    expect(calls.map((c) => [c.atUs, c.op, c.key])).toEqual([
      [1000, "read", "12"],
      [2000, "read", "7"],
      [3000, "read", "12"],
      [4000, "read", "99"],
    ]);
  });

  it("text: a key written as a number is the same key however it is spaced, and only canonical", async () => {
    // Small whole numbers are read as numbers without decoding the line; everything else is decoded and
    // trimmed. Both must name the same keys: "07" is not "7", a no-break space trims like a space, and
    // 2^20 and beyond are names like any other.
    const name = file("ids.trc", "7\n07\n 7\t\r\n1048575\n1048576\n\u00a07\u00a0\n0\n00\n-1\n7a\n");
    const calls = await replay({ file: name, rate: 1000, prefix: "p:" });
    expect(calls.map((c) => c.key)).toEqual([
      "p:7",
      "p:07",
      "p:7",
      "p:1048575",
      "p:1048576",
      "p:7",
      "p:0",
      "p:00",
      "p:-1",
      "p:7a",
    ]);
  });

  it("text: lines that straddle chunks are read whole", async () => {
    // 400,000 numeric lines (~2.7 MB, three 1 MiB chunks) and a name every 1,000 lines.
    const keys = Array.from({ length: 400_000 }, (_, i) =>
      i % 1000 === 999 ? `k${i}` : String((i * 7919) % 1_100_003),
    );
    const name = file("straddle.trc", `${keys.join("\n")}\n`);
    const calls = await replay({ file: name, rate: 1e6, arrival: "constant" });
    expect(calls.length).toBe(keys.length);
    expect(calls.every((c, i) => c.key === keys[i])).toBe(true);
  });

  it("csv: mapped columns, recorded times scaled, ops, sizes and nodes", async () => {
    const name = file(
      "t.csv",
      "ts,object,kind,bytes,host\n100,a,GET,10,B\n100,b,set,5,A\n250,a,get,10,A\n1100,b,put,0,B\n",
    );
    const calls = await replay(
      {
        file: name,
        format: {
          format: "csv",
          columns: { time: "ts", key: "object", op: "kind", size: "bytes", node: "host" },
        },
        timeUnit: "ms",
        speed: 2,
        prefix: "k:",
      },
      ["A", "B"],
    );
    expect(calls).toEqual([
      { atUs: 0, op: "read", node: "B", key: "k:a" },
      { atUs: 0, op: "write", node: "A", key: "k:b", value: "A#1.." },
      { atUs: 75_000, op: "read", node: "A", key: "k:a" },
      { atUs: 500_000, op: "write", node: "B", key: "k:b", value: "" },
    ]);
  });

  it("csv: missing columns take their defaults (reads, no times: a rate), by header name", async () => {
    const name = file("keys.csv", "key,other\nx,1\ny,2\n");
    const calls = await replay({ file: name, rate: 10, arrival: "constant" }, ["A", "B"]);
    expect(calls.map((c) => [c.atUs, c.op, c.node, c.key])).toEqual([
      [100_000, "read", "A", "x"],
      [200_000, "read", "B", "y"],
    ]);
  });

  it("oracleGeneral: 24-byte records, times in seconds, 64-bit ids", async () => {
    const name = file(
      "t.oracleGeneral",
      oracleRecords([
        [10, 1, 100, 2],
        [10, 2n ** 40n + 3n, 50, -1],
        [12, 1, 100, -1],
      ]),
    );
    const calls = await replay({ file: name });
    expect(calls.map((c) => [c.atUs, c.op, c.key])).toEqual([
      [0, "read", "1"],
      [0, "read", String(2n ** 40n + 3n)],
      [2_000_000, "read", "1"],
    ]);
  });

  it("gzip and zstd by extension, transparently", async () => {
    const text = Array.from({ length: 1000 }, (_, i) => String(i % 17)).join("\n");
    const gz = file("big.txt.gz", gzipSync(text));
    const calls = await replay({ file: gz, rate: 1e6, arrival: "constant" });
    expect(calls.length).toBe(1000);
    expect(calls[999]?.key).toBe(String(999 % 17));
    const { compressSync } = await import("node:zlib").then((z) => ({
      compressSync: (z as unknown as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync,
    }));
    // Node 20 cannot make zstd; a frame made by `zstd` from "5\n6\n" (stored here as bytes) stands in.
    const frame = compressSync
      ? compressSync(Buffer.from("5\n6\n"))
      : Buffer.from("KLUv/SAEIQAANQo2Cg==", "base64");
    const zst = file("small.txt.zst", frame);
    expect((await replay({ file: zst, rate: 1, arrival: "constant" })).map((c) => c.key)).toEqual(["5", "6"]);
  });

  it("spreads over nodes in turn or by a hash of the key (the same key always on the same node)", async () => {
    const name = file("spread.txt", "a\nb\na\nc\na\nb\n");
    const rr = await replay({ file: name, rate: 1000, spread: "round-robin" }, ["A", "B", "C"]);
    expect(rr.map((c) => c.node)).toEqual(["A", "B", "C", "A", "B", "C"]);
    const hashed = await replay({ file: name, rate: 1000, spread: "hash" }, ["A", "B", "C"]);
    const nodeOf = new Map<string, Set<string>>();
    for (const c of hashed) nodeOf.set(c.key, (nodeOf.get(c.key) ?? new Set()).add(c.node));
    for (const nodes of nodeOf.values()) expect(nodes.size).toBe(1);
  });

  it("stops after `requests`", async () => {
    const name = file("five.txt", "1\n2\n3\n4\n5\n");
    expect((await replay({ file: name, rate: 1000, requests: 3 })).map((c) => c.key)).toEqual([
      "1",
      "2",
      "3",
    ]);
  });
});

describe("bad traces", () => {
  it("name the file, the line or record, and what was wrong", async () => {
    expect(await failure({ file: "none.txt", rate: 1 })).toBe("none.txt: no such trace file");
    const notime = file("notime.txt", "a\n");
    expect(await failure({ file: notime })).toMatch(
      /^notime.txt: the trace has no times: give the workload a `rate:`/,
    );
    const badTime = file("bad-time.csv", "time,key\n1,a\n2,b\nsoon,c\n");
    expect(await failure({ file: badTime })).toBe(
      'bad-time.csv: line 4: expected a time (a number >= 0) in column "time", found "soon"',
    );
    const backwards = file("backwards.csv", "time,key\n5,a\n3,b\n");
    expect(await failure({ file: backwards })).toBe(
      "backwards.csv: line 3: time 3 is before the previous request's 5 (a trace must be in time order)",
    );
    const short = file("short.csv", "time,key,op\n1,a,get\n2,b\n");
    expect(await failure({ file: short })).toBe("short.csv: line 3: 2 fields where the header has 3");
    const op = file("op.csv", "key,op\na,delete\n");
    expect(await failure({ file: op, rate: 1 })).toBe(
      'op.csv: line 2: expected an op (read/get or write/set/put/update) in column "op", found "delete"',
    );
    const nokey = file("nokey.csv", "time,obj\n1,a\n");
    expect(await failure({ file: nokey })).toBe(
      "nokey.csv: line 1: no key column: name it with columns.key (the header has time, obj)",
    );
    const node = file("node.csv", "key,node\na,Z\n");
    expect(await failure({ file: node, rate: 1 }, ["A"])).toBe(
      'node.csv: line 2: node "Z" is not one this workload drives (A)',
    );
    const truncated = file(
      "cut.bin",
      oracleRecords([
        [1, 1, 1, -1],
        [2, 2, 2, -1],
      ]).subarray(0, 30),
    );
    expect(await failure({ file: truncated, rate: 1 })).toBe(
      "cut.bin: record 2: truncated: 6 bytes where a record has 24 (is it really oracleGeneral?)",
    );
    // The next-access field: -1 (none) and any time from 0 up pass; anything below -1 is refused.
    const times = file(
      "next.bin",
      oracleRecords([
        [1, 1, 1, -1],
        [1, 2, 1, 2 ** 40],
        [1, 3, 1, 0],
      ]),
    );
    expect(await replay({ file: times })).toHaveLength(3);
    for (const below of [-2, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 40)]) {
      const bad = file(
        "below.bin",
        oracleRecords([
          [1, 1, 1, -1],
          [1, 2, 1, below],
        ]),
      );
      expect(await failure({ file: bad })).toBe(
        `below.bin: record 2: next access time ${below} is below -1 (is it really oracleGeneral?)`,
      );
    }
    const binary = file("bin.txt", new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    expect(await failure({ file: binary, rate: 1 })).toMatch(/^bin.txt: line 1: not valid UTF-8 text/);
    const gz = file("broken.txt.gz", new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    expect(await failure({ file: gz, rate: 1 })).toMatch(
      /^broken.txt.gz: cannot decompress the trace \(gzip\)/,
    );
    const whole = gzipSync(Array.from({ length: 5000 }, (_, i) => String((i * 7919) % 1000)).join("\n"));
    const cut = file("cut.txt.gz", whole.subarray(0, whole.length - 4));
    expect(await failure({ file: cut, rate: 1e6 })).toMatch(
      /^cut.txt.gz: cannot decompress the trace \(gzip\)/,
    );
    const xz = file("t.txt.xz", "x");
    expect(await failure({ file: xz, rate: 1 })).toMatch(
      /^t.txt.xz: cannot decompress the trace \(xz\): it is not in the xz format/,
    );
  });
});

describe("streaming", () => {
  it("replays a trace far larger than a chunk without holding it", async () => {
    // 2,000,000 lines (~15 MB) through a workload that counts and forgets: heap growth stays far below
    // the file's size.
    const lines = 2_000_000;
    const name = path.join(dir, "long.txt");
    const chunk = `${Array.from({ length: 100_000 }, (_, i) => `key${i % 5000}`).join("\n")}\n`;
    writeFileSync(name, chunk.repeat(lines / 100_000));
    const plugin = workloadKinds.get("trace");
    const spec = plugin.options.parse({ file: "long.txt", rate: 1e8, arrival: "constant" });
    const scheduler = new Scheduler();
    let count = 0;
    const noop = () => {
      count++;
    };
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const retained = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = retained();
    let peak = before;
    plugin.create({ nodes: ["A"], baseDir: dir }, spec).start({
      scheduler,
      strategy: {
        read: () => {
          noop();
          if (count % 400_000 === 0) peak = Math.max(peak, retained());
        },
        write: noop,
        flush: noop,
      },
      nodesByName: fakeNodes("A"),
      rng: new RngStreams(1),
      oracle: new Oracle(),
      streamPrefix: "w",
    });
    await scheduler.run(1e12, 1e9);
    expect(count).toBe(lines);
    // The file is ~16 MB and 2,000,000 lines; what stays alive while replaying is a chunk or two.
    expect(peak).toBeGreaterThan(before - 1);
    expect(peak - before).toBeLessThan(8 * 1024 * 1024);
  }, 60_000);
});
