// Guards the engine against theory: a TTL cache fed by Poisson reads at rate λ with TTL T and no
// latency hits λT/(1+λT) of the time; Poisson arrivals come at the stated rate.
import { describe, expect, it } from "vitest";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

function ttlScenario(ratePerSec: number, ttl: string, requests: number): string {
  return `
strategy: local
duration: 100000s
defaults:
  cache: { capacity: 10, ttl: ${ttl} }
  network: { cache: 0, database: 0 }
nodes: [N]
data: { values: { k: v } }
workloads:
  - generator: { rate: ${ratePerSec}, requests: ${requests}, keys: { count: 1, prefix: k, dist: uniform }, readFraction: 1 }
report: { interval: 1000s, trace: never }
`;
}

describe("analytical checks", () => {
  for (const [rate, ttl, ttlSec] of [
    [1000, "10ms", 0.01],
    [200, "2ms", 0.002],
  ] as const) {
    it(`TTL cache hit rate is λT/(1+λT) for λ=${rate}/s, T=${ttl} (within 1 %)`, async () => {
      const { result } = await runToTexts(scenarioFromText(ttlScenario(rate, ttl, 200_000)));
      const total = result.summary.at(-1)?.counters;
      const hitRate = (total?.localHits ?? 0) / (total?.reads ?? 1);
      const lt = rate * ttlSec;
      expect(total?.reads).toBe(200_000);
      expect(Math.abs(hitRate - lt / (1 + lt))).toBeLessThan(0.01);
    });
  }

  it("Poisson arrivals at 10,000/s take 10 s of virtual time for 100,000 requests (within 2 %)", async () => {
    const { result } = await runToTexts(scenarioFromText(ttlScenario(10_000, "1s", 100_000)));
    expect(Math.abs(result.stats.endUs / 1e6 - 10) / 10).toBeLessThan(0.02);
  });
});
