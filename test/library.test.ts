// Guards the library API (sim/index.ts): its runs, sweeps and curves give the command line's bytes and
// numbers, in memory with nothing written unless `out` is given; `set` and `seed` change a scenario as
// `--set` and `--seed` do, and mistakes come back as ScenarioError with file, line and field path.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { isScenarioError, loadScenario, mrc, runScenario, runSweep, ScenarioError } from "../sim/index.ts";
import { metricColumnNames } from "../sim/metrics/columns.ts";
import { TRACE_HEADER } from "../sim/metrics/traceColumns.ts";

const exec = promisify(execFile);
const temp = mkdtempSync(path.join(os.tmpdir(), "cachesim-library-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const STORY = "scenarios/local-stale.yaml";
const SWEEP = "scenarios/sweeps/ttl-staleness.yaml";

/** The command line, as a user runs it; returns the folder it wrote. */
async function cachesim(command: string, args: string[]): Promise<string> {
  const out = mkdtempSync(path.join(temp, `${command}-`));
  await exec(process.execPath, ["sim/bin/cachesim.js", command, ...args, "--out", out, "--quiet"]);
  return out;
}

/** Every CSV report in a folder by name. */
function csvFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".csv"))
    .sort()) {
    files[name] = readFileSync(path.join(dir, name), "utf8");
  }
  return files;
}

async function scenarioError(promise: Promise<unknown>): Promise<ScenarioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isScenarioError(error)) throw new Error(`expected a ScenarioError, got ${String(error)}`);
  return error;
}

describe("runScenario", () => {
  it("gives the bytes `cachesim run` writes, and the summary's numbers as typed rows", async () => {
    const out = await cachesim("run", [STORY, "--seed", "7"]);
    const result = await runScenario(await loadScenario(STORY), { seed: 7 });
    expect(result.csv).toEqual(csvFiles(out));
    expect(result.scenario).toEqual({ name: "local-stale", file: STORY, seed: 7 });
    const totalLine = (result.csv["summary.csv"] as string).split("\n").find((l) => l.startsWith("total,"));
    const cells = (totalLine as string).split(",").slice(1);
    metricColumnNames().forEach((name, i) => {
      const cell = cells[i] as string;
      expect(result.summary.all[name as "reads"]).toBe(cell === "" ? null : Number(cell));
    });
    expect(Object.keys(result.summary.nodes)).toEqual(["NodeA", "NodeB"]);
    expect(result.summary.all.reads).toBe(8);
    expect(result.summary.all.stale_reads).toBe(3);
    expect(result.summary.rows.map((r) => r.node)).toEqual(["NodeA", "NodeB", "total"]);
  });

  it("reads timeseries and trace rows typed, one per CSV line", async () => {
    const result = await runScenario(await loadScenario(STORY));
    const lines = (name: string) => (result.csv[name] as string).trimEnd().split("\n").length - 1;
    expect(result.timeseries).toHaveLength(lines("timeseries.csv"));
    expect(result.timeseries[0]).toMatchObject({ time_us: 0, node: "NodeA" });
    const trace = result.trace ?? [];
    expect(trace).toHaveLength(lines("trace.csv"));
    expect(Object.keys(trace[0] ?? {})).toEqual([...TRACE_HEADER]);
    const staleRead = trace.find((r) => r.node === "NodeB" && r.time_us === 10_000);
    expect(staleRead).toMatchObject({ op: "read", key: "User:1", value: "John", stale: true });
    expect(staleRead?.staleness_age_us).toBe(4_000);
    const flush = trace.find((r) => r.op === "flush");
    expect(flush).toMatchObject({ key: null, stale: null, served_from: null });
  });

  it("reports expectations met and failed", async () => {
    const met = await runScenario(await loadScenario(STORY));
    expect(met.expectations.passed).toBe(true);
    expect(met.expectations.failed).toEqual([]);
    expect(met.expectations.met.length).toBe(met.expectations.all.length);
    const changed = await loadScenario(STORY, { set: { "expect[1].value": "Nobody" } });
    const failed = await runScenario(changed);
    expect(failed.expectations.passed).toBe(false);
    expect(failed.expectations.failed.map((e) => e.path)).toEqual(["expect[1]"]);
    expect(failed.expectations.failed[0]?.found).toContain('"John"');
  });

  it("writes nothing without out, and the folder `cachesim run --out` would with it", async () => {
    const name = "library-writes-nothing";
    // A temporary folder of this test's own, so that files other processes put in the shared one
    // cannot be mistaken for (or hide) something the run wrote there.
    const ownTmp = mkdtempSync(path.join(temp, "tmpdir-"));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    let result: Awaited<ReturnType<typeof runScenario>>;
    let scenario: Awaited<ReturnType<typeof loadScenario>>;
    try {
      expect(os.tmpdir()).toBe(ownTmp);
      scenario = await loadScenario(STORY, { set: { name } });
      result = await runScenario(scenario);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    expect(result.outDir).toBeNull();
    expect(result.files).toEqual([]);
    expect(existsSync(path.join("reports", name))).toBe(false);
    expect(readdirSync(ownTmp)).toEqual([]);
    const out = path.join(temp, "asked");
    const written = await runScenario(scenario, { out });
    expect(written.files).toEqual(["summary.csv", "timeseries.csv", "trace.csv"]);
    expect(csvFiles(out)).toEqual(result.csv);
    expect(written.summary).toEqual(result.summary);
  });

  it("with html, writes the page `cachesim run --html` writes: header, expectations and sequence diagram", async () => {
    const cli = await cachesim("run", [STORY, "--html"]);
    const out = path.join(temp, "page");
    const result = await runScenario(await loadScenario(STORY), { out, html: true });
    expect(result.files).toContain("report.html");
    const page = readFileSync(path.join(out, "report.html"), "utf8");
    expect(page.split('data-mark="stale"').length - 1).toBe(3);
    expect(page).toBe(readFileSync(path.join(cli, "report.html"), "utf8"));
  });

  it("wants out for html, and a seed in range", async () => {
    const scenario = await loadScenario(STORY);
    await expect(runScenario(scenario, { html: true })).rejects.toThrow(TypeError);
    const error = await scenarioError(runScenario(scenario, { seed: -1 }));
    expect(error.problems[0]).toMatchObject({ file: STORY, path: "seed" });
  });
});

describe("loadScenario", () => {
  it("sets fields as `--set` does, before the file is validated", async () => {
    const scenario = await loadScenario(SWEEP, { set: { "defaults.cache.ttl": "5s", nodes: 2 }, seed: 3 });
    expect(scenario.nodes.map((n) => n.name)).toEqual(["node1", "node2"]);
    expect(scenario.nodes[0]?.cache.ttlUs).toBe(5_000_000);
    expect(scenario.seed).toBe(3);
  });

  it("throws ScenarioError with the file, the line and the field path", async () => {
    const bad = await scenarioError(loadScenario(STORY, { set: { "defaults.cache.ttl": "5 parsecs" } }));
    expect(bad).toBeInstanceOf(ScenarioError);
    expect(bad.problems[0]).toMatchObject({ file: STORY, path: "defaults.cache.ttl", line: 10 });
    expect(bad.message).toMatch(/^scenarios\/local-stale\.yaml:10:\d+: defaults\.cache\.ttl: expected /);
    const path_ = await scenarioError(loadScenario(STORY, { set: { "nodes[9].cache.ttl": "1s" } }));
    expect(path_.message).toContain("nodes[9]");
    const missing = await scenarioError(loadScenario("scenarios/no-such-file.yaml"));
    expect(missing.message).toBe("scenarios/no-such-file.yaml: no such file");
  });
});

describe("runSweep and mrc", () => {
  it("runSweep gives `cachesim sweep`'s sweep.csv and its rows typed, writing nothing", async () => {
    const args = ["--set", "defaults.cache.ttl=30ms,1s", "--seeds", "2", "--jobs", "1"];
    const out = await cachesim("sweep", [SWEEP, ...args]);
    const result = await runSweep(SWEEP, {
      set: { "defaults.cache.ttl": ["30ms", "1s"] },
      seeds: 2,
      jobs: 1,
    });
    expect(result.csv).toEqual(csvFiles(out));
    expect(result.outDir).toBeNull();
    expect(result.rows.map((r) => [r.point["defaults.cache.ttl"], r.seed])).toEqual([
      ["30ms", 1],
      ["30ms", 2],
      ["1s", 1],
      ["1s", 2],
    ]);
    const [short, long] = [result.rows[0], result.rows[2]];
    expect(long?.stale_rate as number).toBeGreaterThan(short?.stale_rate as number);
    expect(result.stats?.map((r) => r.stat)).toEqual(["mean", "ci95", "mean", "ci95"]);
  });

  it("mrc gives `cachesim mrc`'s mrc.csv and its rows", async () => {
    const out = await cachesim("mrc", [SWEEP, "--sizes", "100,500", "--policies", "lru,fifo", "--jobs", "1"]);
    const result = await mrc(SWEEP, { sizes: [100, 500], policies: ["lru", "fifo"], jobs: 1 });
    expect({ "mrc.csv": result.csv }).toEqual(csvFiles(out));
    expect(result.rows.map((r) => [r.policy, r.size])).toEqual([
      ["lru", 100],
      ["lru", 500],
      ["fifo", 100],
      ["fifo", 500],
    ]);
    expect(result.rows[1]?.miss_ratio as number).toBeLessThan(result.rows[0]?.miss_ratio as number);
    const bad = await scenarioError(mrc(SWEEP, { sizes: "10,x" }));
    expect(bad.message).toContain("--sizes");
  });
});
