// Guards the command line as a user meets it: exit codes, messages without stack traces, reports
// written only by a successful run, and compare gating on differences.
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { optionFields } from "../sim/model/latency/field.ts";
import { latencyModels } from "../sim/model/latency/registry.ts";

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cachesim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["sim/bin/cachesim.js", ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("cachesim run", () => {
  it("runs the first story, prints the seed and the expectations, and writes the three reports", async () => {
    const out = path.join(tmp, "story");
    const r = await cachesim("run", "scenarios/local-stale.yaml", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("seed 1");
    expect(r.stdout).toContain("reproduce: cachesim run scenarios/local-stale.yaml --seed 1");
    expect(r.stdout).toContain("all 8 expectations met");
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith(".csv"))
        .sort(),
    ).toEqual(["summary.csv", "timeseries.csv", "trace.csv"]);
    expect(readFileSync(path.join(out, "summary.csv"), "utf8")).toBe(
      readFileSync("test/golden/local-stale/summary.csv", "utf8"),
    );
  });

  it("rejects a bad scenario with file, line, field path, expected and found; exit 2, nothing written", async () => {
    const bad = path.join(tmp, "bad.yaml");
    writeFileSync(bad, "strategy: local\nnodes:\n  - name: A\n    cache: { ttl: soon }\nworkloads: []\n");
    const out = path.join(tmp, "bad-out");
    const r = await cachesim("run", bad, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4:19: nodes[0].cache.ttl: expected a duration`);
    expect(r.stderr).toContain('found "soon"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("exits 1 and says which expectation failed, while still writing the complete report", async () => {
    const text = readFileSync("scenarios/local-stale.yaml", "utf8").replace(
      "value: John\n    stale: true",
      "value: Jane\n    stale: true",
    );
    const file = path.join(tmp, "wrong.yaml");
    writeFileSync(file, text);
    const r = await cachesim("run", file, "--out", path.join(tmp, "wrong"), "--quiet");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL  expect[1]: NodeB\'s read of User:1 at 10ms: value "Jane", stale, served from local; found "John", stale',
    );
    expect(existsSync(path.join(tmp, "wrong", "summary.csv"))).toBe(true);
  });

  it("lists every registered latency model with its options in `run --help`", async () => {
    const r = await cachesim("run", "--help");
    expect(r.code).toBe(0);
    for (const model of latencyModels.all()) {
      expect(r.stdout).toContain(`  ${model.name.padEnd(12)} ${model.summary}`);
      for (const field of optionFields(model.options)) expect(r.stdout).toMatch(new RegExp(`\\s${field}: `));
    }
  });

  it("refuses an unknown option with exit 2 before running anything", async () => {
    const out = path.join(tmp, "unknown-option");
    const r = await cachesim("run", "scenarios/local-stale.yaml", "--out", out, "--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown argument: bogus");
    expect(existsSync(out)).toBe(false);
  });

  it("refuses --seed= (empty), a non-integer seed and --trace=maybe with exit 2, writing nothing", async () => {
    const out = path.join(tmp, "bad-flags");
    for (const [flag, message] of [
      ["--seed=", '--seed: expected an integer from 0 to 9,007,199,254,740,991, found ""'],
      ["--seed=1e3", '--seed: expected an integer from 0 to 9,007,199,254,740,991, found "1e3"'],
      ["--trace=maybe", '--trace: expected true or false (or the bare flag --trace), found "maybe"'],
      ["--live=no", '--live: expected true or false (or the bare flag --live), found "no"'],
    ] as const) {
      const r = await cachesim("run", "scenarios/local-stale.yaml", "--out", out, flag);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toContain(message);
      expect(existsSync(out), flag).toBe(false);
    }
  });

  it("refuses a --sequence-rows that is not a whole number, as typed, with exit 2, writing nothing", async () => {
    const out = path.join(tmp, "sequence-rows");
    for (const rows of ["abc", "1e3", "-1", ""]) {
      const r = await cachesim(
        "run",
        "scenarios/local-stale.yaml",
        "--html",
        "--sequence-rows",
        rows,
        "--out",
        out,
      );
      expect(r.code, rows).toBe(2);
      expect(r.stderr).toContain(
        `--sequence-rows: expected a whole number of trace rows, found ${JSON.stringify(rows)}`,
      );
      expect(existsSync(out)).toBe(false);
    }
    const report = await cachesim("report", "test/golden/local-stale", "--sequence-rows", "abc");
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('found "abc"');
  });

  it("prints a reproduce line that a shell reads back as the same arguments", async () => {
    const dir = path.join(tmp, "we ird $HOME 'q'");
    mkdirSync(dir);
    const file = path.join(dir, "story.yaml");
    copyFileSync("scenarios/local-stale.yaml", file);
    const r = await cachesim("run", file, "--out", path.join(tmp, "quoted"), "--seed", "7");
    expect(r.code).toBe(0);
    const line = r.stdout.split("\n").find((l) => l.startsWith("reproduce: "));
    expect(line).toBeDefined();
    // `cachesim` stands in for the real command: it prints each argument it received on its own line.
    const { stdout } = await run("sh", [
      "-c",
      `cachesim() { for a in "$@"; do printf '%s\\n' "$a"; done; }; ${(line as string).slice("reproduce: ".length)}`,
    ]);
    expect(stdout.split("\n").slice(0, -1)).toEqual(["run", file, "--seed", "7"]);
  });

  it("warns about fields the strategy never reads, with file and line, and still runs", async () => {
    const file = path.join(tmp, "ignored.yaml");
    writeFileSync(
      file,
      "strategy: local\nnodes: [A]\nglobalCache: { ttl: 5s }\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n",
    );
    const r = await cachesim("run", file, "--out", path.join(tmp, "ignored"), "--quiet");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${file}:3:14: globalCache: has no effect under strategy local, which has no global cache`,
    );
  });

  it("refuses a device or a pipe at once instead of reading it without end", async () => {
    const r = await cachesim("run", "/dev/zero", "--out", path.join(tmp, "zero"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/dev/zero: cannot read the scenario: it is not a regular file");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a missing file plainly", async () => {
    const r = await cachesim("run", "no/such.yaml");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no/such.yaml");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("cachesim compare", () => {
  it("exits 0 for identical reports and 1 when a metric differs beyond the tolerance", async () => {
    const a = "test/golden/local-stale/summary.csv";
    expect((await cachesim("compare", a, a)).code).toBe(0);
    const b = path.join(tmp, "b.csv");
    writeFileSync(b, readFileSync(a, "utf8").replace("NodeB,6,", "NodeB,7,"));
    const r = await cachesim("compare", a, b);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("reads");
    expect((await cachesim("compare", a, b, "--tolerance", "0.2")).code).toBe(0);
  });
});
