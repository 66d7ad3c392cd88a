// Guards the database as a resource against queueing theory: with Poisson arrivals, `connections: c`
// and exponential service (an M/M/c queue), the waits for a connection of a long seeded run match
// Erlang C within 1 %: the probability of waiting, the mean wait and the p99 wait.
import { describe, expect, it } from "vitest";
import type { ExactHistogram } from "../sim/core/exactHistogram.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";

/** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const queued = (term * a) / c / (1 - a / c);
  return queued / (sum + queued);
}

/** Each distinct value of an exact histogram with how many times it was recorded, smallest first. */
function valueCounts(h: ExactHistogram): Array<[number, number]> {
  const n = h.count;
  const at = (rank: number) => h.percentile((rank / n) * 100) as number;
  const out: Array<[number, number]> = [];
  for (let rank = 1; rank <= n; ) {
    const value = at(rank);
    // The last rank holding this value: gallop, then bisect.
    let step = 1;
    while (rank + step <= n && at(rank + step) === value) step *= 2;
    let lo = rank + step / 2;
    let hi = Math.min(rank + step, n + 1);
    if (step === 1) lo = rank;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (at(mid) === value) lo = mid;
      else hi = mid;
    }
    out.push([value, lo - rank + 1]);
    rank = lo + 1;
  }
  return out;
}

describe("the database as an M/M/c queue", () => {
  // Two connections at half load: 1,000 requests/s, each served in 1 ms on average. At this length
  // the run-to-run spread (one standard deviation over seeds 1 to 4) is about 0.3 % for P(wait) and
  // 0.5 % for the mean and the p99 wait, so 1 % is about two of them: busy periods make successive
  // waits alike, which a longer run would need several times the requests to average out.
  const connections = 2;
  const ratePerSec = 1_000;
  const meanServiceMs = 1;
  const requests = 4_000_000;

  it(`waits as Erlang C says: P(wait), mean and p99 wait within 1 % (c = ${connections}, ρ = 0.5)`, async () => {
    const scenario = scenarioFromText(`
strategy: local
seed: 1
duration: 100000s
defaults:
  cache: { capacity: 0 }
  network: { cache: 0, database: 0 }
nodes: [N]
database: { connections: ${connections}, service: { dist: exponential, mean: ${meanServiceMs}ms } }
workloads:
  - generator: { rate: ${ratePerSec}, requests: ${requests}, keys: { count: 100 }, readFraction: 1 }
report: { interval: 1000s, trace: never }
`);
    const { result } = await runToTexts(scenario);
    const waits = (result.summary[0] as (typeof result.summary)[number]).counters.dbQueueWaitUs;
    expect(waits.count).toBe(requests);

    const serviceRatePerSec = 1_000 / meanServiceMs;
    const c = erlangC(connections, ratePerSec / serviceRatePerSec);
    // Given that it waits, a request waits Exp(cμ - λ): the mean and the tail follow.
    const drainPerUs = (connections * serviceRatePerSec - ratePerSec) / 1e6;
    const meanWaitUs = c / drainPerUs;
    const p99WaitUs = Math.log(c / 0.01) / drainPerUs;

    const counts = valueCounts(waits);
    expect(counts.reduce((sum, [, count]) => sum + count, 0)).toBe(requests);
    const zeros = counts[0]?.[0] === 0 ? counts[0][1] : 0;
    const waited = 1 - zeros / waits.count;
    const mean = counts.reduce((sum, [value, count]) => sum + value * count, 0) / waits.count;
    const p99 = waits.percentile(99) as number;

    expect(Math.abs(waited / c - 1), `P(wait) ${waited} vs ${c}`).toBeLessThan(0.01);
    expect(Math.abs(mean / meanWaitUs - 1), `mean wait ${mean}us vs ${meanWaitUs}us`).toBeLessThan(0.01);
    expect(Math.abs(p99 / p99WaitUs - 1), `p99 wait ${p99}us vs ${p99WaitUs}us`).toBeLessThan(0.01);
  });
});
