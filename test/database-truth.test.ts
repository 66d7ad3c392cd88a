// Guards the database tier's promise that truth and the system of record never silently part: when a
// store acknowledges a write with a version other than the one the simulation assigned (something else
// writes to the run's table, or the store lost a write), the run stops with a message a user can act on,
// a SimulationError (printed without a stack trace), and writes no report.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import { MemoryRecordStore } from "../sim/backends/memoryRecordStore.ts";
import { SimulationError } from "../sim/core/scheduler.ts";
import type { RecordStore } from "../sim/model/ports.ts";
import { runScenario } from "../sim/run/runner.ts";
import { scenarioFromText } from "./support/runText.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-truth-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A system of record that, once, answers a write with a version one too high. */
async function driftingStore(): Promise<RecordStore> {
  const inner = await MemoryRecordStore.open();
  let drifted = false;
  return {
    description: "drifting store",
    seed: (entries) => inner.seed(entries),
    fill: (range) => inner.fill(range),
    read: (key) => inner.read(key),
    write(key, value) {
      const version = inner.write(key, value);
      if (drifted) return version;
      drifted = true;
      return version + 1;
    },
    close: () => inner.close(),
  };
}

describe("the database tier", () => {
  it("stops the run, in words, when the store's version disagrees with truth", async () => {
    const scenario = scenarioFromText(`
strategy: global
duration: 1s
nodes: [A]
data: { values: { k: v } }
workloads:
  - node: A
    script: [ { at: 0, op: write, key: k, value: w } ]
`);
    const outDir = path.join(tmp, "out");
    const run = runScenario(scenario, {
      outDir,
      backends: { cache: new MemoryCacheStore(), records: await driftingStore() },
    });
    await expect(run).rejects.toBeInstanceOf(SimulationError);
    await expect(run).rejects.toThrow(
      /drifting store\) gave "k" version 3 where the simulation expected 2: something else is writing/,
    );
    expect(existsSync(outDir)).toBe(false);
  });
});
