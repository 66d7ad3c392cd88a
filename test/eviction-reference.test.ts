// Guards every eviction policy that libCacheSim also has against libCacheSim's own `cachesim` binary: the
// same seeded traces (Zipf and scan-heavy, unit and variable sizes, several cache sizes each) replayed
// through `cachesim mrc`'s code path and through the binary must give identical miss counts and the same
// printed byte miss ratio (ours, and 1 less our byte hit rate); Random, whose victims the reference draws
// from its hash table, and LIRS, whose reference keeps an entry without its size, within stated
// tolerances; libCacheSim's W-TinyLFU (ours: wtinylfu-libcachesim) identical where its window holds
// anything, and caching nothing where it holds nothing. Skips, saying why, where the binary is not built
// (CACHESIM_LIBCACHESIM_BIN, or the default build path of ../shared/peers/build-libcachesim.sh).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import seedrandom from "seedrandom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceRequests, WHOLE_TRACE } from "../sim/commands/mrcInput.ts";
import { missRatioCurves } from "../sim/model/eviction/mrc.ts";
import { checkEvictionChoice, evictionPolicies } from "../sim/model/evictionPolicies.ts";
import type { PluginChoice } from "../sim/plugin/registry.ts";

const BIN =
  process.env.CACHESIM_LIBCACHESIM_BIN ??
  path.join(os.homedir(), ".cache/cachesim-peers/libCacheSim/bin/cachesim");
const haveBinary = existsSync(BIN);
if (!haveBinary)
  console.warn(
    `reference conformance test skipped: no libCacheSim binary at ${BIN} (bash ../shared/peers/build-libcachesim.sh, or set CACHESIM_LIBCACHESIM_BIN)`,
  );

/**
 * The reference prints ratios with 4 decimals; with 10,000 requests a trace's miss ratio × 10,000 is its
 * exact miss count.
 */
const REQUESTS = 10_000;

interface Trace {
  name: string;
  ids: number[];
  sizes: number[];
  byBytes: boolean;
  cacheSizes: number[];
}

function zipfSampler(rng: () => number, keys: number, skew: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 1; k <= keys; k++) {
    total += 1 / k ** skew;
    cumulative.push(total);
  }
  return () => {
    const u = rng() * total;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Zipf(0.9) over 2,000 keys; or the same with, every 1,500 requests, a loop over 400 keys of a cold range. */
function makeTrace(name: string, scans: boolean, variable: boolean, cacheSizes: number[]): Trace {
  const rng = seedrandom.alea(`cachesim:eviction-reference:${name}`);
  const next = zipfSampler(() => rng.double(), 2_000, 0.9);
  const sizeOf = (id: number) => (variable ? 1 + ((Math.imul(id, 2654435761) >>> 0) % 200) : 1);
  const ids: number[] = [];
  let loop = 0;
  while (ids.length < REQUESTS) {
    if (scans && ids.length % 1_500 === 1_000) {
      for (let s = 0; s < 400 && ids.length < REQUESTS; s++) ids.push(10_001 + s + (loop % 2) * 200);
      loop++;
      continue;
    }
    ids.push(1 + next());
  }
  return { name, ids, sizes: ids.map(sizeOf), byBytes: variable, cacheSizes };
}

const TRACES: Trace[] = [
  makeTrace("zipf-unit", false, false, [20, 50, 100, 200, 500]),
  makeTrace("scan-unit", true, false, [20, 50, 100, 300, 600]),
  makeTrace("zipf-bytes", false, true, [2_000, 5_000, 10_000, 30_000, 60_000]),
  makeTrace("scan-bytes", true, true, [2_000, 5_000, 10_000, 40_000, 80_000]),
];

/** Our policy (with options), the reference's algorithm name and its eviction parameters. */
interface Pair {
  ours: PluginChoice;
  algo: string;
  params?: string;
  /** Miss counts within this share of the reference's instead of identical (with the reason beside it). */
  tolerance?: number;
  /** Compared at all the trace's cache sizes but its smallest (with the reason the smallest is left out). */
  notSmallest?: string;
  /** Compared only at the trace's cache sizes of at least this many units (with the reason). */
  atLeast?: { units: number; reason: string };
}

function sizesOf(trace: Trace, pair: Pair): number[] {
  const sizes = pair.notSmallest === undefined ? trace.cacheSizes : trace.cacheSizes.slice(1);
  const least = pair.atLeast?.units ?? 0;
  return sizes.filter((size) => size >= least);
}

const PAIRS: Pair[] = [
  { ours: { name: "lru", options: {} }, algo: "lru" },
  { ours: { name: "fifo", options: {} }, algo: "fifo" },
  { ours: { name: "clock", options: {} }, algo: "clock" },
  { ours: { name: "lfu", options: {} }, algo: "lfu" },
  { ours: { name: "sieve", options: {} }, algo: "sieve" },
  { ours: { name: "s3fifo", options: {} }, algo: "s3fifo" },
  { ours: { name: "arc", options: {} }, algo: "arc" },
  { ours: { name: "slru", options: {} }, algo: "slru" },
  { ours: { name: "belady", options: {} }, algo: "belady" },
  { ours: { name: "twoq", options: {} }, algo: "twoq" },
  { ours: { name: "gdsf", options: {} }, algo: "gdsf" },
  {
    ours: { name: "lfuda", options: {} },
    algo: "lfuda",
    notSmallest: "libCacheSim's LFUDA.c crashes there: its lowest-priority queue runs empty (a segfault)",
  },
  { ours: { name: "qdlp", options: {} }, algo: "qdlp" },
  {
    ours: { name: "lirs", options: {} },
    algo: "lirs",
    // Not identical, and ours keeps the paper's rule. libCacheSim's LIRS.c, on a hit on a resident HIR
    // entry that is only in Q (hit_RD_HIRinQ), demotes a LIR entry that need not move; with a one-entry
    // Q that evicts the very entry just hit, which it then puts back into S as resident without its
    // size, so its next request counts a hit and can take the cache past its capacity. On the requests
    // 1 2 3 1 2 3 4 3 at capacity 3 the reference counts 4 misses, the paper (and ours) 5. Measured
    // here: 0 to 24 misses apart (at most 0.63 %), identical at 10 of the 20 points. Ours cannot
    // follow it: only the cache admits an entry and charges its size (LocalCache.admit), and a policy
    // can only hand an entry to host.evict, which drops it.
    tolerance: 0.007,
  },
  {
    ours: { name: "wtinylfu-libcachesim", options: {} },
    algo: "wtinylfu",
    atLeast: {
      units: 100,
      reason:
        "below 100 units the 1 % window is 0 units: the reference caches nothing there and ours refuses such a capacity",
    },
  },
  // Parameters away from the defaults, named as the reference names them.
  { ours: { name: "slru", options: { segments: 5 } }, algo: "slru", params: "n-seg=5" },
  { ours: { name: "clock", options: { counterBits: 2 } }, algo: "clock", params: "n-bit-counter=2" },
  {
    ours: { name: "s3fifo", options: { smallRatio: 0.2, moveToMainThreshold: 1 } },
    algo: "s3fifo",
    params: "fifo-size-ratio=0.2,move-to-main-threshold=1",
  },
  {
    ours: { name: "twoq", options: { inRatio: 0.1, outRatio: 1 } },
    algo: "twoq",
    params: "Ain-size-ratio=0.1,Aout-size-ratio=1",
  },
];

/** Policies the reference binary cannot be compared with, and why. */
const NOT_COMPARED: Record<string, string> = {
  mru: "libCacheSim has MRU.c, but its cachesim binary does not offer it (cache_init.h has no mru)",
  wtinylfu:
    "Caffeine's W-TinyLFU (a 4-bit count-min sketch, a window held to its size): the same design as libCacheSim's WTinyLFU.c, different numbers; wtinylfu-libcachesim is libCacheSim's and is compared",
};

/**
 * Random cannot be identical: libCacheSim's `Random.c` evicts the head of a random non-empty bucket of its
 * hash table, and a bucket's head is its newest key, so a key that shares a bucket with a newer one is
 * safe while that one stays. That is not uniform, and it keeps long-lived (popular) keys longer: measured
 * on these traces the reference misses 0.4 to 5.7 % less than our uniform draw, whose own spread over 30
 * seeds is under 1 % (at most 36 misses, one standard deviation). Asserted: within 7 % of the reference.
 */
const RANDOM_TOLERANCE = 0.07;

/** oracleGeneral records: <u32 time, u64 id, u32 size, i64 next access (request index, -1 for none)>. */
function oracleGeneral(trace: Trace): Buffer {
  const n = trace.ids.length;
  const next = new Array<number>(n).fill(-1);
  const last = new Map<number, number>();
  for (let i = n - 1; i >= 0; i--) {
    const id = trace.ids[i] as number;
    next[i] = last.get(id) ?? -1;
    last.set(id, i);
  }
  const buf = Buffer.alloc(n * 24);
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE(Math.floor(i / 100), i * 24);
    buf.writeBigUInt64LE(BigInt(trace.ids[i] as number), i * 24 + 4);
    buf.writeUInt32LE(trace.sizes[i] as number, i * 24 + 12);
    buf.writeBigInt64LE(BigInt(next[i] as number), i * 24 + 16);
  }
  return buf;
}

interface Point {
  misses: number;
  byteMissRatio: string;
}

const run = promisify(execFile);

/** One reference run: every algorithm of the group at every size; points in the binary's order. */
async function reference(file: string, cwd: string, algos: string[], sizes: number[], params?: string) {
  const args = [file, "oracleGeneral", algos.join(","), sizes.join(","), "--num-thread=1"];
  if (params !== undefined) args.push("-e", params);
  const { stdout } = await run(BIN, args, { cwd, maxBuffer: 1 << 24 });
  const points: Point[] = [];
  for (const m of stdout.matchAll(/ (\d+) req, miss ratio ([0-9.]+), byte miss ratio ([0-9.]+)/g)) {
    expect(Number(m[1])).toBe(REQUESTS);
    points.push({ misses: Math.round(Number(m[2]) * REQUESTS), byteMissRatio: m[3] as string });
  }
  expect(points.length).toBe(algos.length * sizes.length);
  return points;
}

describe("the reference comparison", () => {
  it("covers every registered policy, or says why not", () => {
    const compared = new Set([...PAIRS.map((p) => p.ours.name), "random"]);
    for (const name of evictionPolicies.names())
      expect(compared.has(name) || NOT_COMPARED[name] !== undefined, name).toBe(true);
  });
});

describe.skipIf(!haveBinary)(`eviction policies against libCacheSim (${BIN})`, () => {
  let dir = "";
  const theirs = new Map<string, Point>();
  const key = (trace: string, pair: Pair, size: number) =>
    `${trace} ${pair.ours.name}${JSON.stringify(pair.ours.options)} ${size}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-reference-"));
    // A path with "data/trace." makes the reference size its hash tables for a small trace.
    mkdirSync(path.join(dir, "data"));
    const groups = new Map<string, Pair[]>();
    const randomRun = { ours: { name: "random", options: {} }, algo: "random" } as Pair;
    const groupOf = (p: Pair) => `${p.params ?? ""}|${p.notSmallest === undefined}|${p.atLeast?.units ?? 0}`;
    for (const p of [...PAIRS, randomRun]) groups.set(groupOf(p), [...(groups.get(groupOf(p)) ?? []), p]);
    const runs: Promise<void>[] = [];
    for (const trace of TRACES) {
      const file = path.join(dir, "data", `trace.${trace.name}.oracleGeneral.bin`);
      writeFileSync(file, oracleGeneral(trace));
      for (const pairs of groups.values()) {
        const sizes = sizesOf(trace, pairs[0] as Pair);
        const params = (pairs[0] as Pair).params;
        runs.push(
          reference(
            file,
            dir,
            pairs.map((p) => p.algo),
            sizes,
            params,
          ).then((points) => {
            pairs.forEach((pair, i) => {
              sizes.forEach((size, j) => {
                theirs.set(key(trace.name, pair, size), points[i * sizes.length + j] as Point);
              });
            });
          }),
        );
      }
    }
    await Promise.all(runs);
  });

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  describe.each(TRACES)("trace $name", (trace) => {
    it.each(
      PAIRS.map((p) => ({
        ...p,
        label: `${p.ours.name}${Object.keys(p.ours.options as object).length > 0 ? ` ${JSON.stringify(p.ours.options)}` : ""}${p.tolerance === undefined ? "" : `, within ${p.tolerance * 100} %`}`,
      })),
    )("$label", (pair) => {
      const file = path.join(dir, "data", `trace.${trace.name}.oracleGeneral.bin`);
      const rows = missRatioCurves(traceRequests(file, WHOLE_TRACE, trace.byBytes), {
        policies: [pair.ours],
        sizes: sizesOf(trace, pair),
        byBytes: trace.byBytes,
      });
      const tolerance = pair.tolerance;
      if (tolerance !== undefined) {
        for (const r of rows) {
          const ref = theirs.get(key(trace.name, pair, r.size)) as Point;
          expect(Math.abs(r.misses - ref.misses) / ref.misses, `size ${r.size}`).toBeLessThanOrEqual(
            tolerance,
          );
        }
        return;
      }
      // The byte hit rate is mrc.csv's column beside the byte miss ratio: 1 less it, as the reference's.
      const ours = rows.map(
        (r) => `${r.size}: ${r.misses} ${r.byteMissRatio.toFixed(4)} ${(1 - r.byteHitRate).toFixed(4)}`,
      );
      const ref = sizesOf(trace, pair).map((size) => {
        const p = theirs.get(key(trace.name, pair, size)) as Point;
        return `${size}: ${p.misses} ${p.byteMissRatio} ${p.byteMissRatio}`;
      });
      expect(ours).toEqual(ref);
    });

    // By entries only: the byte traces' capacities all give a window of at least 1 byte.
    if (!trace.byBytes)
      it("wtinylfu-libcachesim: where ours refuses the capacity, the reference caches nothing", async () => {
        const file = path.join(dir, "data", `trace.${trace.name}.oracleGeneral.bin`);
        const small = trace.cacheSizes.filter((size) => size < 100);
        expect(small.length).toBeGreaterThan(0);
        const points = await reference(file, dir, ["wtinylfu"], small);
        expect(points.map((p) => p.misses)).toEqual(small.map(() => REQUESTS));
        for (const size of small)
          expect(checkEvictionChoice("wtinylfu-libcachesim", {}, size, 0), `${size}`).toMatch(/window \(0\)/);
      });

    it(`random, within ${RANDOM_TOLERANCE * 100} % of the reference`, () => {
      const file = path.join(dir, "data", `trace.${trace.name}.oracleGeneral.bin`);
      const policy = { name: "random", options: {} };
      const rows = missRatioCurves(traceRequests(file, WHOLE_TRACE, trace.byBytes), {
        policies: [policy],
        sizes: trace.cacheSizes,
        byBytes: trace.byBytes,
      });
      for (const r of rows) {
        const ref = theirs.get(key(trace.name, { ours: policy, algo: "random" }, r.size)) as Point;
        expect(Math.abs(r.misses - ref.misses) / ref.misses, `size ${r.size}`).toBeLessThanOrEqual(
          RANDOM_TOLERANCE,
        );
      }
    });
  });
});
