// The small world the bounded-shard tests run (in process and live): three nodes over a global tier
// bounded as given, a Zipf generator with value sizes so byte bounds bite.
export function boundedShardWorld(
  strategy: string,
  globalCache: string,
  { seed, requests, interval }: { seed: number; requests: number; interval: string },
): string {
  return `seed: ${seed}
strategy: ${strategy}
nodes: [A, B, C]
globalCache: ${globalCache}
data:
  fill: { count: 300, value: "0123456789abcdef" }
workloads:
  - generator:
      requests: ${requests}
      rate: 2000
      keys: { count: 300, dist: zipf, s: 0.9 }
      readFraction: 0.7
      valueSize: { dist: uniform, min: 1, max: 40 }
report: { interval: ${interval} }
`;
}
