// Guards sweeps spread over worker processes through a BullMQ queue on Redis: the same bytes as a local
// run, a worker killed mid-point has its point finished by another, a failing point fails the sweep
// with its message, Ctrl-C takes a sweep's points off the queue (close() stops its runAll), and a
// worker stops when told (SIGTERM) or when idle. Needs CACHESIM_TEST_REDIS_URL (the queue uses database
// 15 of that server).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { QueueExecutor } from "../sim/sweep/queue/queueExecutor.ts";
import type { PointTask } from "../sim/sweep/runPoint.ts";

const run = promisify(execFile);
const base = process.env.CACHESIM_TEST_REDIS_URL;
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sweep-queue-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

async function cachesim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["sim/bin/cachesim.js", ...args], {
      timeout: 240_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A worker process whose output lines can be waited for. */
function startWorker(url: string, queueName: string, ...extra: string[]) {
  const child = spawn(
    process.execPath,
    [
      "sim/bin/cachesim.js",
      "worker",
      "--queue",
      url,
      "--queue-name",
      queueName,
      "--stall-timeout",
      "2s",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let output = "";
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onData = (chunk: Buffer) => {
    output += String(chunk);
    for (const w of [...waiters]) {
      const m = output.match(w.re);
      if (m !== null) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    waitFor: (re: RegExp) =>
      new Promise<RegExpMatchArray>((resolve) => {
        const m = output.match(re);
        if (m !== null) resolve(m);
        else waiters.push({ re, resolve });
      }),
  };
}

// Points of 10,000 requests: long enough that a kill lands in the middle of one.
const SWEEP = [
  "sweep",
  "scenarios/sweeps/ttl-staleness.yaml",
  "--set",
  "defaults.cache.ttl=30ms,300ms,3s",
  "--set",
  "workloads[0].generator.requests=10000",
  "--quiet",
];

describe.skipIf(base === undefined)(
  "sweep through a queue (CACHESIM_TEST_REDIS_URL)",
  { timeout: 300_000 },
  () => {
    const url = `${(base ?? "").replace(/\/\d*$/, "")}/15`;
    const queueName = `cachesim-test-${process.pid}-${Date.now()}`;
    // The queues' own keys (event streams, ids) go with the test.
    afterAll(async () => {
      const redis = new Redis(url);
      try {
        const keys = await redis.keys(`bull:${queueName}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    });

    it("gives a local run's bytes after a worker is killed mid-point, and fails with a point's message", async () => {
      const local = path.join(tmp, "local");
      const queued = path.join(tmp, "queued");
      const reference = cachesim(...SWEEP, "--jobs", "1", "--out", local);
      const a = startWorker(url, queueName);
      const b = startWorker(url, queueName);
      await Promise.all([a.waitFor(/worker on /), b.waitFor(/worker on /)]);
      const sweep = cachesim(...SWEEP, "--queue", url, "--queue-name", queueName, "--out", queued);
      const [, label] = (await a.waitFor(/running (point \d+ of \d+ \([^)]*\))/)) as unknown as [
        string,
        string,
      ];
      a.child.kill("SIGKILL");
      const [ref, result] = await Promise.all([reference, sweep]);
      expect(ref.code, ref.stderr).toBe(0);
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(path.join(queued, "sweep.csv"), "utf8")).toBe(
        readFileSync(path.join(local, "sweep.csv"), "utf8"),
      );
      // The point the killed worker held was run to the end by the other.
      expect(a.output()).not.toContain(`done    ${label}`);
      expect(b.output()).toContain(`done    ${label}`);

      const failed = await cachesim(
        "sweep",
        "scenarios/sweeps/ttl-staleness.yaml",
        "--set",
        "limits.events=50",
        "--set",
        "defaults.cache.ttl=1s",
        "--queue",
        url,
        "--queue-name",
        queueName,
        "--out",
        path.join(tmp, "failed"),
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(
        "cachesim: sweep point 1 of 1 (limits.events=50, defaults.cache.ttl=1s) failed: the run passed its event limit (limits.events = 50)",
      );

      b.child.kill("SIGTERM");
      expect(await b.exited).toBe(0);
      expect(b.output()).toContain("stopping (SIGTERM)");
    });

    it("Ctrl-C takes the sweep's points off the queue, and close() stops a runAll under way with SweepStopped", async () => {
      // No worker: the points wait on the queue until the sweep is stopped.
      const stopQueue = `${queueName}-stop`;
      const out = path.join(tmp, "stopped");
      const sweep = spawn(
        process.execPath,
        [
          "sim/bin/cachesim.js",
          ...SWEEP.filter((a) => a !== "--quiet"),
          "--queue",
          url,
          "--queue-name",
          stopQueue,
          "--out",
          out,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(sweep);
      let stderr = "";
      sweep.stderr?.on("data", (chunk: Buffer) => {
        stderr += String(chunk);
      });
      const exited = new Promise<number | null>((resolve) => sweep.on("exit", (code) => resolve(code)));
      const redis = new Redis(url);
      const waiting = () => redis.llen(`bull:${stopQueue}:wait`);
      const untilWaiting = async (n: number) => {
        const deadline = Date.now() + 60_000;
        while ((await waiting()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      };
      try {
        await untilWaiting(3);
        expect(await waiting()).toBe(3);
        sweep.kill("SIGINT");
        expect(await exited).toBe(130);
        expect(stderr).toContain("cachesim: sweep stopped (SIGINT); nothing written");
        expect(await waiting()).toBe(0);
        expect(existsSync(path.join(out, "sweep.csv"))).toBe(false);

        // The executor itself: runAll, still waiting for its points, rejects once close() is called.
        const executor = await QueueExecutor.connect(url, stopQueue);
        const tasks = [0, 1].map((index) => ({ index, label: `point ${index + 1}`, task: {} as PointTask }));
        const running = executor.runAll(tasks, () => {
          throw new Error("no point can finish: no worker runs them");
        });
        await untilWaiting(2);
        const closing = executor.close("asked to");
        await expect(running).rejects.toMatchObject({ name: "SweepStopped", reason: "asked to" });
        await closing;
        expect(await waiting()).toBe(0);
        const keys = await redis.keys(`bull:${stopQueue}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    });

    it("a worker with --idle-exit stops by itself when there is no work", async () => {
      const w = startWorker(url, `${queueName}-idle`, "--idle-exit", "1s");
      expect(await w.exited).toBe(0);
      expect(w.output()).toContain("stopping (idle)");
      expect(w.output()).toContain("stopped after 0 point(s)");
    });
  },
);

describe("queue mistakes", { timeout: 60_000 }, () => {
  it("refuses a URL that is not redis:// and an unreachable server, without a stack trace", async () => {
    const bad = await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=1ms",
      "--queue",
      "http://127.0.0.1:6420",
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--queue takes a redis:// or rediss:// URL, found http://");
    // 6439: a loopback port nothing listens on.
    const away = await cachesim("worker", "--queue", "redis://127.0.0.1:6439/0");
    expect(away.code).toBe(1);
    expect(away.stderr).toContain("cannot reach the queue's Redis at redis://127.0.0.1:6439/0");
    expect(away.stderr).not.toMatch(/\n\s+at /);
  });
});
