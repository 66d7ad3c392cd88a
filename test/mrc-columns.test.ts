// Guards mrc.csv's byte hit rate, evictions, evicted bytes and rejections: counted right on tiny traces
// worked out by hand (a queue policy by bytes and by entries, S3-FIFO's small-queue refusals, W-TinyLFU's
// admission contest), consistent with the misses for every policy, and identical, on every column, from
// every fast replay (typed-array queues, LRU's one-pass curves by entries and by bytes, with and without
// the stream in memory) and from the general replay through the local cache.
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { csvCells, MRC_HEADER } from "../sim/commands/mrc.ts";
import { MRC_COLUMNS } from "../sim/metrics/columns.ts";
import { type MrcRow, missRatioCurves, type RequestSource, replayPoint } from "../sim/model/eviction/mrc.ts";
import { lruBytesInOnePass } from "../sim/model/eviction/replay/densePoints.ts";
import { type DenseRequests, denseRequestsOf } from "../sim/model/eviction/replay/denseRequests.ts";
import { type Request, replay } from "../sim/model/eviction/replay.ts";
import { checkEvictionChoice, evictionPolicies } from "../sim/model/evictionPolicies.ts";
import type { PluginChoice } from "../sim/plugin/registry.ts";

const requestsOf = (text: string): Request[] =>
  text.split(" ").map((r) => {
    const [key, size] = r.split(":");
    return { key: key as string, size: Number(size) };
  });

/** The counts mrc.csv gains, of one replay. */
function counts(policy: PluginChoice, size: number, byBytes: boolean, requests: Request[]) {
  const r = replay(policy, { size, byBytes }, requests);
  return {
    misses: r.misses,
    hitBytes: r.bytes - r.missBytes,
    evictions: r.evictions,
    evictedBytes: r.evictedBytes,
    rejections: r.rejections,
  };
}

describe("mrc's columns on traces worked out by hand", () => {
  // a, b and c take 4 bytes, d 12 (more than the whole cache of 10 bytes).
  const trace = requestsOf("a:4 b:4 a:4 c:4 d:12 b:4 a:4");
  const lru = { name: "lru", options: {} };
  const fifo = { name: "fifo", options: {} };

  it("LRU by bytes: d is refused, three entries of 4 bytes are pushed out", () => {
    // [a] [b a] hit a: [a b]; c evicts b: [c a]; d refused; b evicts a: [b c]; a evicts c: [a b].
    expect(counts(lru, 10, true, trace)).toEqual({
      misses: 6,
      hitBytes: 4,
      evictions: 3,
      evictedBytes: 12,
      rejections: 1,
    });
  });

  it("FIFO by bytes: a hit changes nothing, so a is the first out", () => {
    // [a] [b a] hit a; c evicts a: [c b]; d refused; hit b; a evicts b: [a c].
    expect(counts(fifo, 10, true, trace)).toEqual({
      misses: 5,
      hitBytes: 8,
      evictions: 2,
      evictedBytes: 8,
      rejections: 1,
    });
  });

  it("LRU by entries: nothing is too large, and evicted bytes are the entries' sizes", () => {
    // Two entries: c evicts b (4), d evicts a (4), b evicts c (4), a evicts d (12).
    expect(counts(lru, 2, false, trace)).toEqual({
      misses: 6,
      hitBytes: 4,
      evictions: 4,
      evictedBytes: 24,
      rejections: 0,
    });
  });

  it("S3-FIFO: an object as large as the small queue is refused unless the ghost remembers it", () => {
    // 20 bytes, small queue 10, threshold 1. a b (hit a) c d e fill 20 bytes in small; x (10 bytes) is
    // refused; f: a moves to main, b is evicted to the ghost; b: c is evicted, b comes back from the
    // ghost into main; x is refused again (the ghost never saw it).
    const s3 = { name: "s3fifo", options: { smallRatio: 0.5, moveToMainThreshold: 1 } };
    const requests = requestsOf("a:4 b:4 a:4 c:4 d:4 e:4 x:10 f:4 b:4 x:10");
    expect(counts(s3, 20, true, requests)).toEqual({
      misses: 9,
      hitBytes: 4,
      evictions: 2,
      evictedBytes: 8,
      rejections: 2,
    });
  });

  it("W-TinyLFU: a cold candidate loses to an equally cold victim, and leaves the cache as a rejection", () => {
    // 100 entries (a window of 1), 200 keys requested once each. The first 100 fill the cache; from
    // then on each new key pushes the window's previous key into the contest, where its count (1) does
    // not beat the probation victim's (1): it is evicted, and counted as a rejection too. A sketch far
    // wider than the keys counts each exactly.
    const w = { name: "wtinylfu", options: { sketchEntries: 65_536 } };
    const scan = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, size: 3 }));
    expect(counts(w, 100, false, scan)).toEqual({
      misses: 200,
      hitBytes: 0,
      evictions: 100,
      evictedBytes: 300,
      rejections: 100,
    });
  });
});

describe("mrc's columns agree with the misses, for every policy", () => {
  const rng = seedrandom.alea("mrc-columns:every-policy");
  const requests: Request[] = Array.from({ length: 4000 }, () => {
    const k = Math.floor(600 * rng.double() ** 3);
    return { key: `k${k}`, size: k % 41 === 0 ? 3000 : 10 + (k % 90) };
  });
  const future = (() => {
    const next = new Float64Array(requests.length).fill(Number.POSITIVE_INFINITY);
    const last = new Map<string, number>();
    requests.forEach((r, i) => {
      const p = last.get(r.key);
      if (p !== undefined) next[p] = i;
      last.set(r.key, i);
    });
    return next;
  })();

  it.each(evictionPolicies.names())(
    "%s: what was admitted and not evicted is what the cache holds",
    (name) => {
      for (const [size, byBytes] of [
        [50, false],
        [200, false],
        [2_000, true],
        [10_000, true],
      ] as const) {
        // A size the policy refuses (wtinylfu-libcachesim's window is empty below 100 entries) has no row.
        if (checkEvictionChoice(name, {}, byBytes ? 0 : size, byBytes ? size : 0) !== null) continue;
        const r = replay({ name, options: {} }, { size, byBytes }, requests, { nextAccess: future });
        // W-TinyLFU's refused candidate had been cached (in the window), so it is an eviction as well.
        const admitted = name === "wtinylfu" ? r.misses : r.misses - r.rejections;
        const held = admitted - r.evictions;
        expect(held, `${name} ${size}`).toBeGreaterThanOrEqual(0);
        if (!byBytes) expect(held, `${name} ${size}`).toBeLessThanOrEqual(size);
        if (byBytes && size < 3000)
          expect(r.rejections, `${name} ${size}: the 3,000-byte objects`).toBeGreaterThan(0);
        expect(r.evictedBytes).toBeGreaterThanOrEqual(r.evictions * 10);
      }
    },
  );
});

/** The general replay's row: through the local cache, every size on its own, no stream in memory. */
function generalRows(source: RequestSource, policy: PluginChoice, sizes: number[], byBytes: boolean) {
  return sizes.map((size) => replayPoint(source, policy, size, byBytes, undefined, null));
}

describe("every fast replay gives the general replay's row, column for column", () => {
  const fixedSize = (k: number) => 16 + ((k * 2654435761) % 1009);
  const shapes: Record<string, (k: number, draw: () => number) => number> = {
    "fixed sizes": fixedSize,
    "objects larger than the cache": (k) => (k % 97 === 0 ? 5000 : fixedSize(k)),
    "zero sizes": (k) => (k % 5 === 0 ? 0 : fixedSize(k)),
    "sizes that change": (k, draw) => (k % 3 === 0 ? Math.floor(draw() * 2000) : fixedSize(k)),
  };
  const cases = [
    { byBytes: false, sizes: [1, 2, 10, 50, 200, 899, 900, 5000] },
    { byBytes: true, sizes: [1, 500, 2000, 4999, 5000, 20_000, 100_000] },
    // At least the largest object, so that LRU's one pass by bytes applies where sizes stay fixed.
    { byBytes: true, sizes: [1100, 2000, 5000, 20_000, 100_000] },
  ];
  for (const [shape, sizeOf] of Object.entries(shapes)) {
    const rng = seedrandom.alea(`mrc-columns:${shape}`);
    const requests: Request[] = Array.from({ length: 6000 }, () => {
      const k = Math.floor(900 * rng.double() ** 3);
      return { key: `k${k}`, size: sizeOf(k, () => rng.double()) };
    });
    const source: RequestSource = () => requests;
    const dense = denseRequestsOf(requests) as DenseRequests;

    it.each(cases)(`${shape}, LRU and FIFO, by bytes $byBytes at $sizes`, ({ byBytes, sizes }) => {
      for (const name of ["lru", "fifo"]) {
        const policy = { name, options: {} };
        const options = { policies: [policy], sizes, byBytes };
        const general = generalRows(source, policy, sizes, byBytes);
        const cells = (rows: MrcRow[]) => rows.map((r) => csvCells(r).join(","));
        // Over the stream in memory (queues, one-pass curves), and walked from its source (LRU's
        // one-pass curve by entries through stackDistance.ts).
        expect(cells(missRatioCurves(source, options, dense)), `${name} dense`).toEqual(cells(general));
        expect(missRatioCurves(source, options, dense)).toEqual(general);
        expect(missRatioCurves(source, options)).toEqual(general);
      }
      if (shape === "fixed sizes" && byBytes && sizes[0] === 1100)
        expect(lruBytesInOnePass({ name: "lru", options: {} }, dense, sizes)).toBe(true);
    });
  }
});

describe("mrc.csv's header", () => {
  it("is the declared columns, each with a unit, a kind and a description", () => {
    expect(MRC_HEADER).toEqual(MRC_COLUMNS.map((c) => c.name));
    expect(MRC_HEADER.slice(0, 6)).toEqual([
      "policy",
      "size",
      "requests",
      "misses",
      "miss_ratio",
      "byte_miss_ratio",
    ]);
    for (const c of MRC_COLUMNS) expect(c.description.length, c.name).toBeGreaterThan(10);
  });
});
