// Guards that a sweep's points, run one after another in this thread, share one Zipf table through the
// full collections between them (sim/sweep/localExecutor.ts holds it), and that the sweep lets it go
// when it ends, so a library caller keeps nothing.
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { runSweep } from "../sim/api/runSweep.ts";
import { ZipfSampler } from "../sim/core/distributions.ts";

// A full collection on demand: the flag takes effect for contexts made after it is set.
v8.setFlagsFromString("--expose-gc");
const collect = vm.runInNewContext("gc") as () => void;

// scenarios/sweeps/ttl-staleness.yaml draws its keys from Zipf(2,000, 0.99).
const FILE = "scenarios/sweeps/ttl-staleness.yaml";
const KEYS = 2000;
const EXPONENT = 0.99;

describe("a sweep's Zipf table", () => {
  it("is built once for all its points, and let go when the sweep ends", async () => {
    // Another table first, so the sweep's first point cannot find its own already built.
    new ZipfSampler(KEYS + 1, EXPONENT);
    const before = ZipfSampler.tablesBuilt;
    let collections = 0;
    const result = await runSweep(FILE, {
      set: { "defaults.cache.ttl": "10ms,100ms,1s", "workloads[0].generator.requests": "500" },
      jobs: 1,
      // Between two points: nothing but the sweep's hold keeps the last point's table now.
      onProgress: () => {
        collect();
        collections++;
      },
    });
    expect(result.runs).toBe(3);
    expect(collections).toBe(3);
    expect(ZipfSampler.tablesBuilt).toBe(before + 1);
    // The sweep is over: a collection takes the table, and the next sampler builds it again.
    await new Promise((resolve) => setImmediate(resolve));
    collect();
    new ZipfSampler(KEYS, EXPONENT);
    expect(ZipfSampler.tablesBuilt).toBe(before + 2);
  });
});
