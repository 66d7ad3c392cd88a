// Guards determinism at the source: nothing under sim/ outside the live-backend adapters may read the
// wall clock or draw unseeded randomness; the console's stopwatch is the one named exception.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const BANNED =
  /\b(Date\.now\(|new Date\(|performance\.now\(|Math\.random\(|setTimeout\(|setInterval\(|setImmediate\()/;
const HRTIME = /process\.hrtime/;
// Times runs for the console only; nothing it measures reaches a report.
const STOPWATCH = "sim/report/stopwatch.ts";
// Paces the sweep queue's worker process (idle exit, the bounded stop, how long the queue server has been away);
// it runs simulations but never times one.
// Gives the event loop a turn during a run so SIGINT can stop it; it orders and times nothing.
// `cachesim worker` ends its process a moment after the worker stopped, should a connection to a queue
// server that is gone still be retrying; it runs no simulation itself.
const WALL_CLOCK_OK = new Set([
  "sim/sweep/queue/queueWorker.ts",
  "sim/core/eventLoopTurn.ts",
  "sim/commands/worker.ts",
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory())
      return full.split(path.sep).join("/").endsWith("backends/live") ? [] : sourceFiles(full);
    return /\.(ts|js)$/.test(name) ? [full.split(path.sep).join("/")] : [];
  });
}

describe("tidy", () => {
  it("finds no wall-clock or unseeded-random calls in the simulation", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles("sim").filter((f) => !WALL_CLOCK_OK.has(f))) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (line.trim().startsWith("//")) return;
          if (BANNED.test(line) || (HRTIME.test(line) && file !== STOPWATCH)) {
            offenders.push(`${file}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offenders).toEqual([]);
  });

  it("really scans the tree (a canary line would be caught)", () => {
    expect(sourceFiles("sim").length).toBeGreaterThan(20);
    expect(BANNED.test("const t = Date.now();")).toBe(true);
    expect(BANNED.test("Math.random()")).toBe(true);
  });
});
