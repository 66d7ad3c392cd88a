// Guards the scenarios a sweep's check reads being handed to the runs of the same thread: a point's first
// run takes its scenario from the check instead of reading its text again, a copy of the task (another
// thread, the queue) reads its text, the later seeds of a point read theirs, and the rows are the same.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { parseScenario } from "../sim/scenario/load.ts";
import { type PointTask, readAlready, runPoint } from "../sim/sweep/runPoint.ts";
import { prepareSweep, sweepTasks } from "../sim/sweep/runSweep.ts";

const FILE = "scenarios/sweeps/ttl-staleness.yaml";

/** Freezes every object reachable from `value`, so that a run that changed its scenario would throw. */
function deepFreeze<T>(value: T, seen = new Set<object>()): T {
  if (value === null || typeof value !== "object" || seen.has(value) || ArrayBuffer.isView(value))
    return value;
  seen.add(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
  return Object.freeze(value);
}

describe("the check's scenarios for the runs", () => {
  it("serve a task's run in place of its text, and only that task object's", async () => {
    const text = readFileSync(FILE, "utf8");
    // Frozen: one scenario serves the check and the run only because a run never changes it.
    const scenario = deepFreeze(parseScenario(text, FILE, { ...knownNames(), seedOverride: 1 }));
    // A text that cannot be read: the run succeeds only if it never reads it.
    const task: PointTask = { file: FILE, text: "not: [a scenario", seed: 1, keepDir: null };
    readAlready(task, scenario);
    const reference = await runPoint({ file: FILE, text, seed: 1, keepDir: null });
    await expect(runPoint(task)).resolves.toEqual(reference);
    // Taken once: the same task run again reads its text, as does a copy of it.
    await expect(runPoint(task)).rejects.toThrow(/invalid YAML/);
    const copy = { ...task };
    readAlready(task, scenario);
    await expect(runPoint(copy)).rejects.toThrow(/invalid YAML/);
  });

  it("are handed to each point's first run, never to its later seeds", async () => {
    const prepared = prepareSweep({ file: FILE, sets: ["defaults.cache.ttl=1s,2s"], seeds: 2, outDir: null });
    expect([...prepared.checked.keys()]).toEqual([0, 1]);
    const tasks = [...sweepTasks(prepared)];
    // Handed on as the tasks were made, and no longer kept by the sweep.
    expect(prepared.checked.size).toBe(0);
    const seed0 = prepared.pointSeeds[0] as number;
    expect(tasks.map((t) => t.task.seed)).toEqual([seed0, seed0 + 1, seed0, seed0 + 1]);
    // With every text made unreadable, only the runs that were handed a scenario succeed.
    for (const t of tasks) t.task.text = "not: [a scenario";
    const settled = await Promise.allSettled(tasks.map((t) => runPoint(t.task)));
    expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
  });
});
