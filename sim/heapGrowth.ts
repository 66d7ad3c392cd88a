// How far V8 lets the old generation grow past what survived its last full collection before it
// collects again. Left to itself V8 picks up to about four times that when collecting looks cheap, and a
// simulation is the case where it does: a steady working set (the oracle, the caches, the stores) and a
// stream of medium-lived garbage (cache entries overwritten, map tables rebuilt as entries churn) that
// survives the young generation and dies later. That headroom, not what a run keeps, set peak memory,
// and it grew with the run's length. With a fixed 40 %, `npm run bench` at 4,000,000 requests peaks at
// 233-250 MiB instead of 292-323 MiB, and a 10,000,000-key fill run at 492 MiB instead of 583, for no
// CPU time we could measure (the spread between runs was larger); at 1,000,000 requests it changes
// little. The setting only paces the collector: no result can depend on it.
import v8 from "node:v8";

export const HEAP_GROWING_PERCENT = 40;

/** For the CLI and the benchmarks: set once, before a run starts; it applies to every later collection. */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
