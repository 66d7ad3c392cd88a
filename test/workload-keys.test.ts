// Guards the key distributions: the draws uniform and zipf always made (golden reports depend on them),
// the shape of hotspot, latest and sequential, and how their options fail in a scenario file.
import { describe, expect, it } from "vitest";
import { uniformInt, ZipfSampler } from "../sim/core/distributions.ts";
import { RngStreams } from "../sim/core/rng.ts";
import { keysField } from "../sim/workloads/generatorSpec.ts";
import { keyDistributions } from "../sim/workloads/keys/registry.ts";

const stream = (name = "w:keys") => new RngStreams(7).stream(name);

function sampler(dist: string, count: number, options: Record<string, unknown> = {}) {
  const plugin = keyDistributions.get(dist);
  return plugin.create({ count, rng: stream() }, plugin.options.parse(options));
}

function histogram(draw: () => number, draws: number): Map<number, number> {
  const h = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const k = draw();
    h.set(k, (h.get(k) ?? 0) + 1);
  }
  return h;
}

describe("key distributions", () => {
  it("registers uniform, zipf, hotspot, latest and sequential under `dist`", () => {
    expect(keyDistributions.names()).toEqual(["uniform", "zipf", "hotspot", "latest", "sequential"]);
    expect(keyDistributions.selector).toBe("dist");
  });

  it("uniform and zipf draw exactly what the generator always drew (golden reports depend on it)", () => {
    const u = sampler("uniform", 1000);
    const old = stream();
    for (let i = 0; i < 1000; i++) expect(u.next()).toBe(uniformInt(old, 0, 999));
    const z = sampler("zipf", 1000, { s: 1.1 });
    const zipf = new ZipfSampler(1000, 1.1);
    const oldZ = stream();
    for (let i = 0; i < 1000; i++) expect(z.next()).toBe(zipf.sample(oldZ));
    // The sampler draws ahead in batches (sampleInto); batches of any length continue one sequence.
    const batched = stream();
    const oneByOne = stream();
    for (const length of [1, 7, 64, 3]) {
      const into = new Int32Array(length);
      zipf.sampleInto(batched, into);
      for (const k of into) expect(k).toBe(zipf.sample(oneByOne));
    }
  });

  it("hotspot sends hotRequests of the draws to the first hotKeys of the space, uniformly", () => {
    const h = sampler("hotspot", 1000, { hotKeys: 0.1, hotRequests: 0.9 });
    const draws = 200_000;
    const hist = histogram(() => h.next(), draws);
    let hot = 0;
    for (const [k, n] of hist) {
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(1000);
      if (k < 100) hot += n;
    }
    expect(hot / draws).toBeCloseTo(0.9, 2);
    // Within the hot set every key gets about 0.9 / 100 of the draws.
    expect((hist.get(0) ?? 0) / draws).toBeCloseTo(0.009, 2);
    expect((hist.get(500) ?? 0) / draws).toBeCloseTo(0.1 / 900, 3);
  });

  it("hotspot with every key hot or no request hot still lands in range", () => {
    const all = sampler("hotspot", 10, { hotKeys: 1, hotRequests: 0.5 });
    const none = sampler("hotspot", 10, { hotKeys: 0.5, hotRequests: 0 });
    for (let i = 0; i < 1000; i++) {
      expect(all.next()).toBeLessThan(10);
      expect(none.next()).toBeGreaterThanOrEqual(5);
    }
  });

  it("latest favours the newest key, and a write makes its key the newest", () => {
    const l = sampler("latest", 1000);
    const before = histogram(() => l.next(), 50_000);
    const top = [...before.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(top).toBe(999); // keys start as if written in index order
    // P(rank 0) for Zipf(1000, 0.99) is ~0.13.
    expect((before.get(999) ?? 0) / 50_000).toBeCloseTo(new ZipfSampler(1000, 0.99).probability(0), 1);
    l.written(5);
    l.written(1234); // an insert beyond the initial space
    const after = histogram(() => l.next(), 50_000);
    const ranked = [...after.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(ranked.slice(0, 3)).toEqual([1234, 5, 999]);
  });

  it("sequential walks the space in order from start and wraps round", () => {
    const s = sampler("sequential", 4, { start: 2 });
    expect(Array.from({ length: 7 }, () => s.next())).toEqual([2, 3, 0, 1, 2, 3, 0]);
  });
});

describe("keys field", () => {
  const parse = (value: unknown) => keysField.safeParse(value);
  const messages = (value: unknown) => {
    const r = parse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("reads today's files unchanged and fills defaults", () => {
    expect(parse({ count: 10 }).data).toEqual({ count: 10, prefix: "key:", dist: "uniform" });
    expect(parse({ count: 10, dist: "zipf" }).data).toEqual({
      count: 10,
      prefix: "key:",
      dist: "zipf",
      s: 0.99,
    });
    expect(parse({ count: 3, dist: "zipf", s: 1.2, prefix: "p:" }).data).toEqual({
      count: 3,
      prefix: "p:",
      dist: "zipf",
      s: 1.2,
    });
    expect(parse({ count: 5, dist: "hotspot" }).data).toEqual({
      count: 5,
      prefix: "key:",
      dist: "hotspot",
      hotKeys: 0.2,
      hotRequests: 0.8,
    });
  });

  it("names the field and what was expected when an option is wrong", () => {
    expect(messages({ count: 1, dist: "pareto" })).toEqual([
      "dist: expected one of: uniform, zipf, hotspot, latest, sequential",
    ]);
    expect(messages({ count: 1, s: 1.1 })).toEqual([
      "s: expected no `s:` unless `dist: zipf` or `dist: latest`",
    ]);
    expect(messages({ count: 1, dist: "hotspot", hotKeys: 2 })).toEqual([
      "hotKeys: expected a number from 0 to 1",
    ]);
    expect(messages({ count: 1, dist: "zipf", skew: 1 })).toEqual([
      ": expected one of: count, prefix, dist, s",
    ]);
    expect(messages({ dist: "zipf" })).toEqual(["count: expected an integer from 1 to 10,000,000"]);
    expect(messages("zipf")).toEqual([": expected a mapping with fields: count, prefix, dist, ..."]);
  });
});
