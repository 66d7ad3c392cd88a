// Guards mrc's replays over dense requests (key numbers and sizes in typed arrays): LRU's and FIFO's
// typed-array queues, LRU's one-pass curves by entries and by bytes, and Belady's next accesses must
// give exactly the numbers of the general LocalCache replay — on seeded traces with variable sizes,
// objects larger than the cache, zero sizes and keys whose size changes — and a trace file read densely
// must number its keys as the string stream names them; the command's mrc.csv must equal the general
// path's rows, at any --jobs.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { denseTraceRequests } from "../sim/commands/denseTrace.ts";
import { csvCells, MRC_HEADER } from "../sim/commands/mrc.ts";
import { traceRequests, WHOLE_TRACE } from "../sim/commands/mrcInput.ts";
import { missRatioCurves, type RequestSource } from "../sim/model/eviction/mrc.ts";
import { denseNextAccess, lruBytesInOnePass } from "../sim/model/eviction/replay/densePoints.ts";
import { type DenseRequests, denseRequestsOf } from "../sim/model/eviction/replay/denseRequests.ts";
import {
  byteStackApplies,
  denseStackDistances,
  lruByteMisses,
} from "../sim/model/eviction/replay/denseStackDistance.ts";
import { queueReplay } from "../sim/model/eviction/replay/queueReplay.ts";
import { nextAccessIndexes, type Request, replay } from "../sim/model/eviction/replay.ts";
import { stackDistances } from "../sim/model/eviction/stackDistance.ts";
import { scratchFolders } from "./support/scratchFolders.ts";

const freshFolder = scratchFolders("cachesim-mrc-dense-");

const run = promisify(execFile);

interface TraceShape {
  requests: number;
  keys: number;
  /** Size of key k: a function so that some keys can change size between requests. */
  size: (key: number, draw: () => number) => number;
}

/** A seeded Zipf-ish trace (a few hot keys, a long tail) with the given sizes. */
function trace(seed: string, shape: TraceShape): Request[] {
  const rng = seedrandom.alea(seed);
  const out: Request[] = [];
  for (let i = 0; i < shape.requests; i++) {
    const u = rng.double();
    const key = Math.floor(shape.keys * u ** 3);
    out.push({ key: `k${key}`, size: shape.size(key, () => rng.double()) });
  }
  return out;
}

const fixedSize = (key: number) => 16 + ((key * 2654435761) % 1009);
const SHAPES: Record<string, TraceShape> = {
  "fixed sizes": { requests: 6000, keys: 900, size: fixedSize },
  // Key 0 is the hottest, and 5,000 bytes is larger than the small caches below.
  "some objects larger than the cache": {
    requests: 6000,
    keys: 900,
    size: (key) => (key % 97 === 0 ? 5000 : fixedSize(key)),
  },
  "zero sizes": { requests: 6000, keys: 900, size: (key) => (key % 5 === 0 ? 0 : fixedSize(key)) },
  "sizes that change": {
    requests: 6000,
    keys: 900,
    size: (key, draw) => (key % 3 === 0 ? Math.floor(draw() * 2000) : fixedSize(key)),
  },
};
const BYTE_SIZES = [1, 500, 2000, 4999, 5000, 20_000, 100_000, 1_000_000];
const ENTRY_SIZES = [1, 2, 10, 50, 200, 899, 900, 5000];

function dense(requests: Request[]): DenseRequests {
  return denseRequestsOf(requests) as DenseRequests;
}

describe("dense requests", () => {
  it("number keys in order of first appearance and keep per-request sizes only when they change", () => {
    const d = dense([
      { key: "b", size: 3 },
      { key: "a", size: 0 },
      { key: "b", size: 3 },
    ]);
    expect(Array.from(d.ids)).toEqual([0, 1, 0]);
    expect(Array.from(d.keySizes)).toEqual([3, 0]);
    expect(d.sizes).toBeNull();
    expect([d.count, d.keyCount, d.bytes, d.sizeMax, d.sumsExact]).toEqual([3, 2, 6, 3, true]);
    const changed = dense([
      { key: "b", size: 3 },
      { key: "a", size: 1 },
      { key: "b", size: 4 },
    ]);
    expect(Array.from(changed.sizes ?? [])).toEqual([3, 1, 4]);
    expect(dense([{ key: "x", size: 0.5 }]).sumsExact).toBe(false);
    expect(dense([{ key: "x", size: 2 ** 53 }]).sumsExact).toBe(false);
  });
});

describe("replays over dense requests give the general replay's numbers", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    const requests = trace(`mrc-dense:${name}`, shape);
    const d = dense(requests);

    it(`LRU and FIFO queues, by bytes and by entries: ${name}`, () => {
      for (const policy of ["lru", "fifo"] as const)
        for (const [byBytes, sizes] of [
          [true, BYTE_SIZES],
          [false, ENTRY_SIZES],
        ] as const)
          for (const size of sizes) {
            const general = replay({ name: policy, options: {} }, { size, byBytes }, requests);
            expect(queueReplay(policy, d, size, byBytes), `${policy} ${size} ${byBytes}`).toEqual(general);
          }
    });

    it(`LRU's one-pass curve by entries: ${name}`, () => {
      expect(denseStackDistances(d)).toEqual(stackDistances(requests));
    });

    it(`Belady's next accesses: ${name}`, () => {
      expect(denseNextAccess(d)).toEqual(nextAccessIndexes(requests));
    });
  }

  it("LRU's one-pass curve by bytes, where it applies, and not where it would be wrong", () => {
    const fixed = trace("mrc-dense:bytes", SHAPES["fixed sizes"] as TraceShape);
    const d = dense(fixed);
    const sizes = [1100, 2000, 5000, 20_000, 100_000, 1_000_000];
    expect(byteStackApplies(d, sizes)).toBe(true);
    const { misses, missBytes } = lruByteMisses(d, sizes);
    sizes.forEach((size, i) => {
      const general = replay({ name: "lru", options: {} }, { size, byBytes: true }, fixed);
      expect([misses[i], missBytes[i]], `${size}`).toEqual([general.misses, general.missBytes]);
    });
    // A request larger than the smallest cache, or a key whose size changes, is LRU by bytes no more
    // stack-like: those curves are replayed size by size.
    expect(byteStackApplies(d, [1000, ...sizes])).toBe(false);
    const changing = dense(trace("mrc-dense:bytes", SHAPES["sizes that change"] as TraceShape));
    expect(byteStackApplies(changing, sizes)).toBe(false);
    expect(lruBytesInOnePass({ name: "lru", options: {} }, changing, sizes)).toBe(false);
  });
});

describe("miss-ratio curves with and without the dense stream", () => {
  const policies = ["lru", "fifo", "sieve", "belady"].map((name) => ({ name, options: {} }));
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`are the same rows: ${name}`, () => {
      const requests = trace(`mrc-dense:curves:${name}`, shape);
      const source: RequestSource = () => requests;
      for (const [byBytes, sizes] of [
        [true, BYTE_SIZES],
        [true, [6000, 20_000, 100_000]],
        [false, ENTRY_SIZES],
      ] as const) {
        const options = { policies, sizes: [...sizes], byBytes };
        expect(missRatioCurves(source, options, dense(requests)), `${byBytes}`).toEqual(
          missRatioCurves(source, options),
        );
      }
    });
  }
});

describe("a trace file read densely", () => {
  const dir = freshFolder();
  const limits = {
    requestsMax: 1000,
    tooLong: (file: string) => new Error(`${file}: too long`),
    noSize: (file: string, unit: string, at: number) => new Error(`${file}: ${unit} ${at}: no size`),
  };

  it("numbers its keys as the string stream names them: numbers, names that read as numbers, others", () => {
    // "7" and 7 are one key, "07" another; a number past the id table is named by its text.
    const file = path.join(dir, "keys.csv");
    writeFileSync(
      file,
      "key,size\n7,10\n07,20\nuser:1,30\n7,10\n2000000,40\n07,20\n2000000,40\n1048575,5\n1048576,6\n",
    );
    const fromFile = denseTraceRequests(file, WHOLE_TRACE, true, limits) as DenseRequests;
    const fromStrings = dense(Array.from(traceRequests(file, WHOLE_TRACE, true)(), (r) => ({ ...r })));
    expect(Array.from(fromFile.ids)).toEqual([0, 1, 2, 0, 3, 1, 3, 4, 5]);
    expect(Array.from(fromFile.ids)).toEqual(Array.from(fromStrings.ids));
    expect(Array.from(fromFile.keySizes)).toEqual(Array.from(fromStrings.keySizes));
    expect(fromFile.bytes).toBe(fromStrings.bytes);
  });

  it("refuses what the string stream refuses, with the caller's words", () => {
    const file = path.join(dir, "t.txt");
    writeFileSync(file, "1\n2\n1\n");
    expect(() => denseTraceRequests(file, WHOLE_TRACE, true, limits)).toThrow(`${file}: line 1: no size`);
    expect(denseTraceRequests(file, WHOLE_TRACE, false, limits)?.count).toBe(3);
    expect(() => denseTraceRequests(file, WHOLE_TRACE, false, { ...limits, requestsMax: 2 })).toThrow(
      `${file}: too long`,
    );
  });
});

describe("cachesim mrc over a trace with sizes", () => {
  it.each(["fixed sizes", "sizes that change"])(
    "writes the general path's rows, the same at --jobs 1 and 3: %s",
    async (shape) => {
      const dir = freshFolder();
      const requests = trace("mrc-dense:cli", SHAPES[shape] as TraceShape);
      const file = path.join(dir, "t.csv");
      writeFileSync(file, `key,size\n${requests.map((r) => `${r.key},${r.size}`).join("\n")}\n`);
      const sizes = [2000, 20_000, 100_000];
      const policies = ["lru", "fifo", "sieve"];
      const general = missRatioCurves(traceRequests(file, WHOLE_TRACE, true), {
        policies: policies.map((name) => ({ name, options: {} })),
        sizes,
        byBytes: true,
      });
      const expected = [MRC_HEADER.join(","), ...general.map((r) => csvCells(r).join(","))].join("\n");
      for (const jobs of ["1", "3"]) {
        const out = path.join(dir, `out-${jobs}`);
        const args = ["mrc", file, "--unit", "bytes", "--sizes", sizes.join(","), "--policies"];
        await run(process.execPath, [
          "sim/bin/cachesim.js",
          ...args,
          policies.join(","),
          "--jobs",
          jobs,
          "--out",
          out,
          "--quiet",
        ]);
        expect(readFileSync(path.join(out, "mrc.csv"), "utf8").trimEnd(), `--jobs ${jobs}`).toBe(expected);
      }
    },
    150_000,
  );
});
