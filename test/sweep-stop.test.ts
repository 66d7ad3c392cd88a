// Guards stopping a sweep while a point runs: Ctrl-C (SIGINT) or SIGTERM sent to `cachesim sweep`, and a
// library caller's AbortSignal, stop the point running in the sweep's own thread at once rather than at
// its end, and worker threads' points too; nothing is written and there is no stack trace. Every point
// here would run for most of an hour, so a sweep that only stopped between points, or waited for its
// points to end, would hang until the test's timeout and fail it. A point that fails on a worker thread
// stops the others under way the same way.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSweep } from "../sim/index.ts";
import { openEndedWorld } from "./support/openEndedWorld.ts";

const CLI = path.resolve("sim/bin/cachesim.js");

/**
 * Two points of an open-ended generated workload: a billion requests each before the duration ends, under
 * an event limit raised to match, so a point left to run would take the better part of an hour.
 */
const LONG_SWEEP = openEndedWorld({
  name: "long-sweep",
  duration: "100000s",
  extra: "limits: { events: 10000000000 }\nsweep:\n  grid:\n    defaults.cache.ttl: [1s, 2s]\n",
});

let root: string;
let sweepFile: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "cachesim-sweep-stop-"));
  sweepFile = path.join(root, "long-sweep.yaml");
  fs.writeFileSync(sweepFile, LONG_SWEEP);
});

afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  fs.rmSync(root, { recursive: true, force: true });
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("cachesim sweep told to stop while a point runs", () => {
  for (const [signal, code, jobs] of [
    ["SIGINT", 130, "1"],
    ["SIGTERM", 143, "1"],
    ["SIGINT", 130, "2"],
  ] as const) {
    it(`${signal} at --jobs ${jobs}: stops at once, exits ${code}, writes nothing`, {
      timeout: 60_000,
    }, async () => {
      const out = path.join(root, "out");
      const points = path.join(root, "points");
      const proc = spawn(
        process.execPath,
        [CLI, "sweep", sweepFile, "--jobs", jobs, "--out", out, "--keep-points", points],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      child = proc;
      let stdout = "";
      let stderr = "";
      proc.stdout?.on("data", (chunk) => {
        stdout += String(chunk);
      });
      proc.stderr?.on("data", (chunk) => {
        stderr += String(chunk);
      });
      const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
      // The sweep says where it runs once every point is checked; then give its first point time to start.
      for (let waited = 0; !stdout.includes("cachesim: sweeping"); waited += 100) {
        if (proc.exitCode !== null) throw new Error(`the sweep ended early: ${stderr}`);
        if (waited > 60_000) throw new Error("the sweep never started");
        await pause(100);
      }
      await pause(1500);
      proc.kill(signal);
      expect(await exited, stderr).toBe(code);
      expect(stderr).toContain(`cachesim: sweep stopped (${signal}); nothing written`);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(fs.readdirSync(root).sort()).toEqual(["long-sweep.yaml"]);
    });
  }
});

/** What a library sweep of `file` rejects with when its signal fires (reason "enough") as its points run. */
async function abortedWhileRunning(file: string, jobs: number): Promise<unknown> {
  const controller = new AbortController();
  const sweep = runSweep(file, { jobs, out: path.join(root, "out"), signal: controller.signal });
  await pause(1500);
  controller.abort("enough");
  return sweep.then(
    () => null,
    (e: unknown) => e,
  );
}

describe("runSweep with a signal", () => {
  // In this thread: one point of a few seconds (a point that ignored the signal would block the test's
  // own thread, timeout included), so a sweep that stopped only between points would end with its one
  // point done and resolve, which fails the test.
  it("aborted while its one point runs in this thread: rejects with SweepStopped and the reason, writes nothing", {
    timeout: 60_000,
  }, async () => {
    const onePoint = path.join(root, "one-point.yaml");
    fs.writeFileSync(
      onePoint,
      openEndedWorld({
        name: "one-point",
        duration: "2000s",
        extra: "sweep:\n  grid:\n    defaults.cache.ttl: [1s]\n",
      }),
    );
    const error = await abortedWhileRunning(onePoint, 1);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("SweepStopped");
    expect((error as Error & { reason: unknown }).reason).toBe("enough");
    expect((error as Error).message).toContain("nothing was written");
    expect(fs.readdirSync(root).sort()).toEqual(["long-sweep.yaml", "one-point.yaml"]);
  });

  it("aborted while its points run on worker threads: rejects with SweepStopped, writes nothing", {
    timeout: 60_000,
  }, async () => {
    const error = await abortedWhileRunning(sweepFile, 2);
    expect((error as Error).name).toBe("SweepStopped");
    expect((error as Error & { reason: unknown }).reason).toBe("enough");
    expect(fs.readdirSync(root).sort()).toEqual(["long-sweep.yaml"]);
  });

  it("a point that fails on a worker thread stops the others under way: the sweep fails with its message", {
    timeout: 60_000,
  }, async () => {
    // Two points at once: one passes its event limit at once, the other would run for most of an hour.
    const mixed = path.join(root, "mixed.yaml");
    fs.writeFileSync(
      mixed,
      openEndedWorld({
        name: "mixed",
        duration: "100000s",
        extra: "sweep:\n  grid:\n    limits.events: [10000000000, 50]\n",
      }),
    );
    const error = await runSweep(mixed, { jobs: 2, out: path.join(root, "out") }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("PointFailedError");
    expect((error as Error).message).toMatch(
      /^sweep point 2 of 2 \(limits\.events=50\) failed: the run passed its event limit \(limits\.events = 50\)/,
    );
    expect(fs.readdirSync(root).sort()).toEqual(["long-sweep.yaml", "mixed.yaml"]);
  });

  it("already aborted: runs no point, but a mistake in the file is still reported first", async () => {
    const controller = new AbortController();
    controller.abort("before");
    const done: number[] = [];
    const error = await runSweep(sweepFile, {
      jobs: 1,
      signal: controller.signal,
      onProgress: (n) => done.push(n),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("SweepStopped");
    expect((error as Error & { reason: unknown }).reason).toBe("before");
    expect(done).toEqual([]);
    const bad = path.join(root, "bad.yaml");
    fs.writeFileSync(bad, LONG_SWEEP.replace("capacity: 100,", "capacity: lots,"));
    const badError = await runSweep(bad, { jobs: 1, signal: controller.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((badError as Error).name).toBe("ScenarioError");
  });
});
