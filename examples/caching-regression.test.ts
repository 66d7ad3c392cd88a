// An example to copy into your own repository: seeded regression tests of a caching configuration with
// cachesim's library. It guards the local-cache story (scenarios/local-stale.yaml): with a 30 ms TTL
// the second node serves stale values, a 5 s TTL makes it worse, and the file's expectations hold.
// In your project, point STORY at your own scenario file.
import { isScenarioError, loadScenario, runScenario } from "cachesim";
import { describe, expect, it } from "vitest";

const STORY = "scenarios/local-stale.yaml";

describe("the local-cache story", () => {
  it("meets its own expectations at its own seed", async () => {
    const result = await runScenario(await loadScenario(STORY));
    expect(result.expectations.failed).toEqual([]);
    expect(result.summary.all.reads).toBe(8);
  });

  it("serves stale reads only from the node that did not write", async () => {
    const result = await runScenario(await loadScenario(STORY), { seed: 7 });
    expect(result.summary.nodes.NodeA?.stale_rate).toBe(0);
    expect(result.summary.nodes.NodeB?.stale_reads).toBe(3);
    expect(result.summary.all.stale_rate).toBeLessThan(0.5);
  });

  it("goes more stale with a longer TTL", async () => {
    const short = await runScenario(await loadScenario(STORY));
    const scenario = await loadScenario(STORY, { set: { "defaults.cache.ttl": "5s" } });
    const long = await runScenario(scenario, { seed: 7 });
    expect(long.summary.all.stale_reads as number).toBeGreaterThan(short.summary.all.stale_reads as number);
  });

  it("says which line of the file is wrong", async () => {
    const error = await loadScenario(STORY, { set: { "defaults.cache.ttl": "soon" } }).catch((e) => e);
    expect(isScenarioError(error)).toBe(true);
    expect(error.problems[0]).toMatchObject({ path: "defaults.cache.ttl", line: 10 });
  });
});
