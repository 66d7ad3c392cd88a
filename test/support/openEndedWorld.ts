// A generated workload with no request count: it runs until its duration ends, far longer than any test
// waits, so a test that tells it to stop always finds it still running. For the tests of stopping a run
// or a sweep from outside.
export function openEndedWorld({
  name,
  duration,
  extra = "",
}: {
  name: string;
  duration: string;
  extra?: string;
}) {
  return `
name: ${name}
seed: 1
duration: ${duration}
strategy: global
defaults:
  cache: { capacity: 100, ttl: 1s }
  network: { cache: 500us, database: 2ms }
nodes: [A, B]
globalCache: { shards: [s1, s2] }
data:
  fill: { prefix: "k", count: 1000, value: v }
workloads:
  - generator:
      rate: 10000
      requests: 0
      keys: { count: 1000, dist: zipf, s: 0.9, prefix: "k" }
      readFraction: 0.9
report: { interval: 10s, trace: never }
${extra}`;
}
