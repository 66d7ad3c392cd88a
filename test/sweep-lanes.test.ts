// Guards how a local sweep shares its points out: the sweep's own thread runs points beside its worker
// threads (so --jobs N starts N − 1 of them, and a one-point sweep none), a thread takes points only
// once it is ready and is not waited for when this thread has run them all first, every point's
// outcome is the one it has alone in this thread, and each comes back under its own index.
import type { Piscina } from "piscina";
import { describe, expect, it } from "vitest";
import type { IndexedTask } from "../sim/sweep/executor.ts";
import { LocalExecutor } from "../sim/sweep/localExecutor.ts";
import type { PointOutcome } from "../sim/sweep/runPoint.ts";

const FILE = "lanes.yaml";
/** A seeded workload, so each seed gives the point rows of its own. */
const TEXT = [
  "name: lanes",
  "seed: 1",
  "duration: 60s",
  "strategy: local",
  "defaults: { cache: { capacity: 50, ttl: 2s } }",
  "nodes: [n1, n2]",
  "data: { fill: { prefix: 'k', count: 200, value: v } }",
  "workloads:",
  "  - generator: { rate: 100, requests: 300, keys: { count: 200, dist: zipf, s: 0.9, prefix: 'k' }, readFraction: 0.8 }",
  "",
].join("\n");

/** COUNT points of the same scenario, each with a seed of its own so their outcomes differ. */
function tasks(count: number): IndexedTask[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    label: `point ${index + 1} of ${count}`,
    task: { file: FILE, text: TEXT, seed: 100 + index, keepDir: null },
  }));
}

/** Runs TASKS on EXECUTOR and returns the outcomes by index, with the executor's pool as it was left. */
async function runOn(executor: LocalExecutor, list: IndexedTask[]) {
  const outcomes: Array<PointOutcome | undefined> = new Array(list.length);
  try {
    await executor.runAll(list, (index, outcome) => {
      expect(outcomes[index], `point ${index} came back twice`).toBeUndefined();
      outcomes[index] = outcome;
    });
    // Private: which threads the sweep opened is what this file guards, and nothing else shows it.
    const pool = (executor as unknown as { pool: Piscina | null }).pool;
    return { outcomes, threads: pool?.threads.length ?? 0, onThreads: pool?.completed ?? 0 };
  } finally {
    await executor.close();
  }
}

describe("a local sweep's lanes", () => {
  it("runs a one-point sweep in its own thread at --jobs 2, opening no worker thread", async () => {
    const alone = await runOn(new LocalExecutor(1), tasks(1));
    const shared = await runOn(new LocalExecutor(2), tasks(1));
    expect(shared.threads).toBe(0);
    expect(shared.outcomes).toEqual(alone.outcomes);
  });

  it("shares six points between its own thread and one worker thread at --jobs 2, each under its index", async () => {
    const alone = await runOn(new LocalExecutor(1), tasks(6));
    const executor = new LocalExecutor(2);
    // The thread is told it is ready at once, so that its lane takes a point before this thread's lane
    // can have run them all (a thread loading from the sources takes seconds); which points it takes is
    // still the lanes' race.
    const { counts } = withPool(executor, () => Promise.resolve(true));
    const shared = await runOn(executor, tasks(6));
    expect(shared.threads).toBe(1);
    expect(counts.ready).toBe(1);
    // Both lanes took points: some ran on the thread, and the rest here.
    expect(counts.points).toBeGreaterThan(0);
    expect(counts.points).toBeLessThan(6);
    expect(shared.outcomes).toEqual(alone.outcomes);
    // The seeds differ, so a point delivered under another's index would show.
    expect(new Set(alone.outcomes.map((o) => o?.cells.join(","))).size).toBeGreaterThan(1);
  });

  it("hands a thread no point before it is ready, and does not wait for one that never gets ready", async () => {
    const alone = await runOn(new LocalExecutor(1), tasks(4));
    const executor = new LocalExecutor(2);
    // A thread that never answers that it is ready: ended, unanswered, by close().
    const { counts } = withPool(executor, () => new Promise<never>(() => {}));
    const shared = await runOn(executor, tasks(4));
    expect(counts.ready).toBe(1);
    expect(counts.points).toBe(0);
    expect(shared.outcomes).toEqual(alone.outcomes);
  });

  it("has a worker thread answer that it is ready once it can run a point", async () => {
    const executor = new LocalExecutor(2);
    const pool = (executor as unknown as { openPool(): Piscina }).openPool();
    try {
      expect(await pool.run({ ready: true })).toBe(true);
    } finally {
      await executor.close();
    }
  });
});

/**
 * Opens EXECUTOR's pool ahead of its sweep and counts what its lanes send the pool: the one ready
 * question per thread lane (answered by READY instead of the thread) and the points.
 */
function withPool(executor: LocalExecutor, ready: () => Promise<unknown>) {
  const pool = (executor as unknown as { openPool(): Piscina }).openPool();
  const counts = { ready: 0, points: 0 };
  const run = pool.run.bind(pool);
  pool.run = ((message: { ready?: boolean }, options?: Parameters<Piscina["run"]>[1]) => {
    if (message.ready === true) {
      counts.ready += 1;
      return ready();
    }
    counts.points += 1;
    return run(message, options);
  }) as Piscina["run"];
  return { counts };
}
