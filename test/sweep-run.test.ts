// Guards a sweep as its users run it: identical bytes whatever --jobs is, rows that equal a plain run of
// each point, mean and 95 % interval over seeds, a failing point failing the sweep with its message
// (nothing written), a FIFO refused at once, compare on two sweep files, and progress that stays silent
// when not on a terminal.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { RunProgress, SweepProgress } from "../sim/progress/progressBar.ts";
import { runScenario } from "../sim/run/runner.ts";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { loadScenario } from "../sim/scenario/load.ts";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sweep-run-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cachesim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // stderr is a pipe here, never a terminal: progress must stay silent.
    const { stdout, stderr } = await run(process.execPath, ["sim/bin/cachesim.js", ...args], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const read = (...parts: string[]) => readFileSync(path.join(...parts), "utf8");
const rows = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>;

// A small generator world (2,000 requests a point), so seeds differ and a point takes a blink.
const SMALL = [
  "scenarios/sweeps/ttl-staleness.yaml",
  "--set",
  "workloads[0].generator.requests=2000",
  "--set",
  "defaults.cache.ttl=100ms,1s",
];

describe("cachesim sweep", { timeout: 180_000 }, () => {
  it("writes the same bytes with --jobs 1 and --jobs 2, and says nothing on stderr", async () => {
    const one = path.join(tmp, "jobs1");
    const two = path.join(tmp, "jobs2");
    const [a, b] = await Promise.all([
      cachesim("sweep", ...SMALL, "--seeds", "3", "--jobs", "1", "--out", one),
      cachesim("sweep", ...SMALL, "--seeds", "3", "--jobs", "2", "--out", two),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stderr).toBe("");
    expect(b.stderr).toBe("");
    expect(b.stdout).toContain("2 points x 3 seeds, on 2 thread(s)");
    expect(read(two, "sweep.csv")).toBe(read(one, "sweep.csv"));
    expect(read(two, "sweep-stats.csv")).toBe(read(one, "sweep-stats.csv"));

    const sweep = rows(read(one, "sweep.csv"));
    expect(sweep.map((r) => [r["defaults.cache.ttl"], r.seed])).toEqual([
      ["100ms", "1"],
      ["100ms", "2"],
      ["100ms", "3"],
      ["1s", "1"],
      ["1s", "2"],
      ["1s", "3"],
    ]);
    // Mean and Student-t interval, checked by hand for one metric: t(0.975, 2) = 4.302652729911275.
    const stats = rows(read(one, "sweep-stats.csv"));
    expect(stats.map((r) => r.stat)).toEqual(["mean", "ci95", "mean", "ci95"]);
    const hits = sweep.slice(3).map((r) => Number(r.local_hits));
    expect(new Set(hits).size).toBeGreaterThan(1);
    const mean = hits.reduce((s, v) => s + v, 0) / 3;
    const sd = Math.sqrt(hits.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
    expect(Number(stats[2]?.local_hits)).toBeCloseTo(mean, 5);
    expect(Number(stats[3]?.local_hits)).toBeCloseTo((4.302652729911275 * sd) / Math.sqrt(3), 5);
  });

  it("gives each point the total row of a plain run of that point", async () => {
    const out = path.join(tmp, "story");
    const r = await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=1ms..64ms*2",
      "--jobs",
      "1",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const sweep = rows(read(out, "sweep.csv"));
    expect(sweep.map((row) => row["defaults.cache.ttl"])).toEqual([
      "1ms",
      "2ms",
      "4ms",
      "8ms",
      "16ms",
      "32ms",
      "64ms",
    ]);
    // The file's own TTL is 30ms: a plain run at 32ms differs, at 30ms it is the golden summary.
    const plain = path.join(tmp, "plain");
    const text = read("scenarios/local-stale.yaml").replace("ttl: 30ms", "ttl: 64ms");
    writeFileSync(path.join(tmp, "ttl64.yaml"), text);
    expect((await cachesim("run", path.join(tmp, "ttl64.yaml"), "--out", plain, "--quiet")).code).toBe(1); // its expectations assume 30ms
    const total = rows(read(plain, "summary.csv")).find((row) => row.node === "total") as Record<
      string,
      string
    >;
    const last = sweep.at(-1) as Record<string, string>;
    for (const [column, value] of Object.entries(total))
      if (column !== "node") expect(last[column], column).toBe(value);
    expect(Number(last.stale_reads)).toBeGreaterThan(Number(sweep[0]?.stale_reads));
  });

  it("keeps every point's full report with --keep-points", async () => {
    const out = path.join(tmp, "kept");
    const points = path.join(tmp, "kept-points");
    const r = await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=8ms,30ms",
      "--jobs",
      "1",
      "--out",
      out,
      "--keep-points",
      points,
      "--quiet",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(points).sort()).toEqual(["point-0001", "point-0002"]);
    // The file's own TTL is 30ms: point 2 is the plain run, trace included.
    expect(read(points, "point-0002", "summary.csv")).toBe(read("test/golden/local-stale/summary.csv"));
    expect(existsSync(path.join(points, "point-0002", "trace.csv"))).toBe(true);
  });

  it("fails the sweep with the failing point's own message and writes nothing", async () => {
    const out = path.join(tmp, "failed");
    const r = await cachesim(
      "sweep",
      ...SMALL,
      "--set",
      "limits.events=1000000,50",
      "--jobs",
      "2",
      "--out",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^cachesim: sweep point [24] of 4 \(.*limits\.events=50\) failed: the run passed its event limit \(limits\.events = 50\)/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a bad sweep before running anything: exit 2, file:line and the points", async () => {
    const out = path.join(tmp, "bad");
    const r = await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=1ms,later",
      "--out",
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'scenarios/local-stale.yaml:10:32: defaults.cache.ttl: expected a duration such as "30s", "500ms" or "250us", found "later" (sweep point 2 of 2: defaults.cache.ttl=later)',
    );
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a FIFO as its file at once (exit 2, one line) instead of waiting for a writer", async () => {
    const fifo = path.join(tmp, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    const r = await cachesim("sweep", fifo, "--out", path.join(tmp, "fifo-out"));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${fifo}: cannot read the scenario: it is not a regular file (a device, pipe or socket); save the scenario to a file first`,
    );
    expect(existsSync(path.join(tmp, "fifo-out"))).toBe(false);
  });

  it("compare pairs the rows of two sweeps by their swept values", async () => {
    const a = path.join(tmp, "cmp-a");
    const b = path.join(tmp, "cmp-b");
    await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=8ms,16ms,32ms",
      "--jobs",
      "1",
      "--out",
      a,
      "--quiet",
    );
    await cachesim(
      "sweep",
      "scenarios/local-stale.yaml",
      "--set",
      "defaults.cache.ttl=16ms,32ms",
      "--jobs",
      "1",
      "--out",
      b,
      "--quiet",
    );
    const r = await cachesim("compare", path.join(a, "sweep.csv"), path.join(b, "sweep.csv"));
    expect(r.stdout).toContain("rows matched by defaults.cache.ttl");
    expect(r.stdout).toContain("Rows only in");
    expect(r.stdout).toContain("defaults.cache.ttl=8ms");
    expect(r.stdout).toContain("DIFFERENT: 2 rows compared, 0 cells beyond tolerance");
    expect(r.code).toBe(1);
  });
});

describe("progress", { timeout: 60_000 }, () => {
  function fakeStream(isTTY: boolean) {
    const chunks: string[] = [];
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _enc: string, done: () => void) {
          chunks.push(String(chunk));
          done();
        },
      }),
      { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
    );
    return { stream, chunks };
  }

  it("draws on a terminal, and stays silent when not one or with --quiet", () => {
    for (const [isTTY, quiet, drawn] of [
      [true, false, true],
      [false, false, false],
      [true, true, false],
    ] as const) {
      const { stream, chunks } = fakeStream(isTTY);
      const runBar = new RunProgress(10_000_000, { quiet, stream: stream as never });
      runBar.update(5_000_000, 1234);
      runBar.stop();
      const sweepBar = new SweepProgress(4, { quiet, stream: stream as never });
      sweepBar.update(2);
      sweepBar.stop();
      const text = chunks.join("");
      if (drawn) {
        expect(text).toContain("5s of 10s");
        expect(text).toContain("1234 requests");
        expect(text).toContain("2/4 runs");
      } else expect(text).toBe("");
    }
  });

  it("only observes a run: reports are the same bytes with or without it, virtual time only grows", async () => {
    const scenario = loadScenario("scenarios/sweeps/ttl-staleness.yaml", knownNames());
    const seen: Array<[number, number]> = [];
    const plain = path.join(tmp, "observed-not");
    const observed = path.join(tmp, "observed");
    await runScenario(scenario, { outDir: plain });
    await runScenario(scenario, {
      outDir: observed,
      onProgress: (us, requests) => seen.push([us, requests]),
    });
    for (const file of ["summary.csv", "timeseries.csv"])
      expect(read(observed, file), file).toBe(read(plain, file));
    expect(seen.length).toBeGreaterThan(5);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]?.[0]).toBeGreaterThan(seen[i - 1]?.[0] as number);
      expect(seen[i]?.[1]).toBeGreaterThanOrEqual(seen[i - 1]?.[1] as number);
    }
  });

  it("cachesim run prints nothing on stderr when stderr is not a terminal", async () => {
    const r = await cachesim("run", "scenarios/local-stale.yaml", "--out", path.join(tmp, "run-quiet"));
    expect(r.code).toBe(0);
    // stderr may carry the loader's warnings, but no bar: no terminal control codes, no progress line.
    expect(r.stderr).not.toContain("\u001b");
    expect(r.stderr).not.toMatch(/virtual .* of .*requests/);
    expect(r.stderr.split("\n").filter((line) => line !== "" && !line.startsWith("warning: "))).toEqual([]);
  });
});
