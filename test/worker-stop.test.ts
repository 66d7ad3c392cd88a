// Guards that `cachesim worker` stops when told whatever its queue server does: within 5 s of SIGTERM or
// SIGINT when idle, mid-point, or with the server gone, leaving a held point to another worker; and that
// it gives up with exit 1 and a clear message once the server has been away for --give-up-after. Starts
// its own redis-server on a free loopback port (nothing persisted), killed by pid afterwards.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

function which(binary: string): string | undefined {
  try {
    return execFileSync("which", [binary], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const REDIS = which("redis-server");
if (REDIS === undefined)
  console.warn("worker-stop tests skipped: redis-server is not installed (.ci/services.sh installs it)");

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-worker-stop-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(tmp, { recursive: true, force: true });
});

/** A loopback port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own; resolves once it accepts connections. */
async function startRedis(): Promise<{ url: string; kill: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    REDIS as string,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A cachesim process whose output lines can be waited for, and whose exit is timed. */
function start(...args: string[]) {
  const child = spawn(process.execPath, ["sim/bin/cachesim.js", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += String(chunk);
    for (const w of [...waiters]) {
      if (w.re.test(output)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let exitedAtMs = 0;
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exitedAtMs = performance.now();
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    output: () => output,
    waitFor: (re: RegExp) =>
      new Promise<void>((resolve) => {
        if (re.test(output)) resolve();
        else waiters.push({ re, resolve });
      }),
    /** Sends `signal` and resolves with the exit code and the seconds it took. */
    stop: async (signal: NodeJS.Signals) => {
      const sentAtMs = performance.now();
      child.kill(signal);
      const code = await exited;
      return { code, seconds: (exitedAtMs - sentAtMs) / 1000 };
    },
  };
}

const worker = (url: string, ...extra: string[]) =>
  start("worker", "--queue", url, "--queue-name", "stop-test", "--stall-timeout", "2s", ...extra);

// One point of ~2,000,000 requests: several seconds of simulation, so a stop lands in its middle and
// waiting for it to finish would take longer than the bound.
const scenario = path.join(tmp, "long.yaml");
writeFileSync(
  scenario,
  `duration: 20s
strategy: local
defaults:
  cache: { capacity: 1000, ttl: 1s }
nodes: [node1, node2]
workloads:
  - generator: { rate: 100000, keys: { count: 2000, dist: zipf } }
report: { interval: 1s, trace: never }
sweep:
  grid:
    defaults.cache.ttl: [1s]
`,
);

describe.skipIf(REDIS === undefined)(
  "cachesim worker stops when told (own redis-server)",
  { timeout: 180_000 },
  () => {
    it("exits within 5 s of SIGINT when idle, and of SIGTERM once the server is gone", async () => {
      const redis = await startRedis();
      const a = worker(redis.url);
      await a.waitFor(/worker on /);
      const idle = await a.stop("SIGINT");
      expect(idle.code, a.output()).toBe(0);
      expect(idle.seconds).toBeLessThan(5);

      const b = worker(redis.url);
      await b.waitFor(/worker on /);
      await redis.kill();
      await new Promise((r) => setTimeout(r, 1500));
      const away = await b.stop("SIGTERM");
      expect(away.code, b.output()).toBe(0);
      expect(away.seconds).toBeLessThan(5);
      expect(b.output()).toContain("stopping (SIGTERM)");
    });

    it("mid-point, exits within 5 s and leaves the point to another worker, which finishes the sweep", async () => {
      const redis = await startRedis();
      try {
        const a = worker(redis.url);
        await a.waitFor(/worker on /);
        const sweep = start(
          "sweep",
          scenario,
          "--queue",
          redis.url,
          "--queue-name",
          "stop-test",
          "--out",
          path.join(tmp, "sweep"),
          "--quiet",
        );
        await a.waitFor(/running point 1 of 1/);
        await new Promise((r) => setTimeout(r, 1000));
        const stopped = await a.stop("SIGTERM");
        expect(stopped.code, a.output()).toBe(0);
        expect(stopped.seconds).toBeLessThan(5);
        expect(a.output()).not.toContain("done    point 1 of 1");

        const b = worker(redis.url);
        await b.waitFor(/done {4}point 1 of 1/);
        expect(await sweep.exited, sweep.output()).toBe(0);
        await b.stop("SIGTERM");
      } finally {
        await redis.kill();
      }
    });

    it("mid-point with the server gone, exits within 5 s of SIGTERM", async () => {
      const redis = await startRedis();
      const a = worker(redis.url);
      await a.waitFor(/worker on /);
      start(
        "sweep",
        scenario,
        "--queue",
        redis.url,
        "--queue-name",
        "stop-test",
        "--out",
        path.join(tmp, "gone"),
        "--quiet",
      );
      await a.waitFor(/running point 1 of 1/);
      await redis.kill();
      await new Promise((r) => setTimeout(r, 1000));
      const stopped = await a.stop("SIGTERM");
      expect(stopped.code, a.output()).toBe(0);
      expect(stopped.seconds).toBeLessThan(5);
    });

    it("gives up with exit 1 and a clear message once the server has been away for --give-up-after", async () => {
      const redis = await startRedis();
      const a = worker(redis.url, "--give-up-after", "2s");
      await a.waitFor(/worker on /);
      await redis.kill();
      const code = await a.exited;
      expect(code, a.output()).toBe(1);
      expect(a.output()).toContain(
        `cachesim worker: the queue's Redis at ${redis.url} has been unreachable for 2s (--give-up-after); stopping`,
      );
      expect(a.output()).not.toMatch(/\n\s+at /);
    });
  },
);
