// Guards `cachesim mrc`: size lists and ranges, policy names, the scenario's and a trace's request
// streams, LRU's one-pass curve against replays, the same rows on one thread or several (--jobs), the
// curves plotted (--html, cachesim report), and the command as a user meets it (CSV written, bad input
// refused with exit 2 and nothing written).
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MRC_HEADER, parsePolicies, parseSizes } from "../sim/commands/mrc.ts";
import { scenarioRequests, traceRequests, WHOLE_TRACE } from "../sim/commands/mrcInput.ts";
import { missRatioCurves } from "../sim/model/eviction/mrc.ts";
import { type Request, replay } from "../sim/model/eviction/replay.ts";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { parseScenario } from "../sim/scenario/load.ts";
import { scratchFolders } from "./support/scratchFolders.ts";

const freshFolder = scratchFolders("cachesim-mrc-");

const run = promisify(execFile);

async function cachesim(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["sim/bin/cachesim.js", ...args], {
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const SCENARIO = `
name: mrc-small
seed: 3
duration: 100s
strategy: local
nodes: [a, b]
workloads:
  - generator:
      rate: 100
      requests: 3000
      keys: { count: 500, dist: zipf, s: 0.8, prefix: "k" }
  - node: a
    script:
      - { at: 0ms, op: write, key: "x", value: "hello" }
      - { at: 1ms, op: read, key: "x" }
`;

describe("parseSizes", () => {
  it("reads lists, ranges and both, sorted and without repeats", () => {
    expect(parseSizes("300,100,200")).toEqual([100, 200, 300]);
    expect(parseSizes("100..500+100")).toEqual([100, 200, 300, 400, 500]);
    expect(parseSizes("50, 100..300+100, 200")).toEqual([50, 100, 200, 300]);
  });

  it("refuses what is not a size", () => {
    expect(() => parseSizes("0")).toThrow(/from 1/);
    expect(() => parseSizes("ten")).toThrow(/found "ten"/);
    expect(() => parseSizes("500..100+10")).toThrow(/from ≤ to/);
    expect(() => parseSizes("1..100000+1")).toThrow(/at most 1000 sizes/);
  });
});

describe("parsePolicies", () => {
  it("defaults to every policy and names the known ones for an unknown one", () => {
    expect(parsePolicies(undefined)).toContain("belady");
    expect(() => parsePolicies("lru,nope")).toThrow(/unknown policy "nope" \(known: lru/);
  });
});

describe("miss-ratio curves", () => {
  const scenario = parseScenario(SCENARIO, "mrc-small.yaml", knownNames());
  const source = scenarioRequests(scenario, false);
  const requests: Request[] = Array.from(source(), (r) => ({ ...r }));

  it("walks the scenario's stream the same way every time", () => {
    expect(requests).toHaveLength(3002);
    expect(Array.from(source(), (r) => r.key)).toEqual(requests.map((r) => r.key));
    expect(new Set(requests.map((r) => r.key)).size).toBeGreaterThan(100);
    expect(requests.at(-1)).toEqual({ key: "x", size: 5 });
  });

  it("gives LRU's one-pass curve the misses of a replay at each size, and every policy at every size", () => {
    const sizes = [10, 50, 200];
    const rows = missRatioCurves(source, {
      policies: [
        { name: "lru", options: {} },
        { name: "sieve", options: {} },
      ],
      sizes,
      byBytes: false,
    });
    expect(rows.map((r) => `${r.policy}@${r.size}`)).toEqual([
      "lru@10",
      "lru@50",
      "lru@200",
      "sieve@10",
      "sieve@50",
      "sieve@200",
    ]);
    for (const r of rows) {
      const replayed = replay({ name: r.policy, options: {} }, { size: r.size, byBytes: false }, requests);
      expect(r.misses, `${r.policy}@${r.size}`).toBe(replayed.misses);
      expect(r.missRatio).toBeCloseTo(replayed.misses / 3002, 12);
    }
  });
});

/** A fresh folder holding SCENARIO as s.yaml. */
function scenarioFile(): { dir: string; file: string } {
  const dir = freshFolder();
  const file = path.join(dir, "s.yaml");
  writeFileSync(file, SCENARIO);
  return { dir, file };
}

describe("cachesim mrc", () => {
  it("prints the curve and writes mrc.csv", async () => {
    const { dir, file } = scenarioFile();
    const out = path.join(dir, "out");
    const r = await cachesim(
      "mrc",
      file,
      "--sizes",
      "20..60+20",
      "--policies",
      "lru,fifo,belady",
      "--out",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("belady");
    const csv = readFileSync(path.join(out, "mrc.csv"), "utf8").trimEnd().split("\n");
    expect(csv[0]).toBe(MRC_HEADER.join(","));
    expect(csv).toHaveLength(1 + 9);
  }, 150_000);

  it("writes the same mrc.csv on one thread and on several (--jobs)", async () => {
    const { dir, file } = scenarioFile();
    const csvs: string[] = [];
    for (const jobs of ["1", "3"]) {
      const out = path.join(dir, `out-${jobs}`);
      const r = await cachesim(
        "mrc",
        file,
        "--sizes",
        "20..80+20",
        "--policies",
        "lru,fifo,sieve,belady",
        "--jobs",
        jobs,
        "--out",
        out,
      );
      expect(r.stderr, `--jobs ${jobs}`).toBe("");
      expect(r.code, `--jobs ${jobs}`).toBe(0);
      csvs.push(readFileSync(path.join(out, "mrc.csv"), "utf8"));
    }
    expect(csvs[0]?.trimEnd().split("\n")).toHaveLength(1 + 16);
    expect(csvs[1]).toBe(csvs[0]);
  }, 150_000);

  it("plots the curves with --html, and cachesim report plots an mrc folder too", async () => {
    const { dir, file } = scenarioFile();
    const out = path.join(dir, "out");
    const r = await cachesim(
      "mrc",
      file,
      "--sizes",
      "20,40",
      "--policies",
      "lru,sieve",
      "--html",
      "--out",
      out,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const charts = ["chart-miss_ratio_vs_size.svg", "chart-byte_miss_ratio_vs_size.svg"];
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    expect(html).toContain("Miss ratio vs cache size");
    expect(html).toContain("Points (mrc.csv)");
    for (const chart of charts) {
      const svg = readFileSync(path.join(out, chart), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      for (const policy of ["lru", "sieve"]) expect(svg, `${chart} names ${policy}`).toContain(`>${policy}<`);
    }
    const elsewhere = path.join(dir, "html");
    const again = await cachesim("report", out, "--out", elsewhere, "--quiet");
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(elsewhere, "report.html"), "utf8")).toBe(html);
  }, 150_000);

  it("refuses a size a policy cannot work at, before replaying anything", async () => {
    const { dir, file } = scenarioFile();
    const r = await cachesim(
      "mrc",
      file,
      "--sizes",
      "10,100",
      "--policies",
      "s3fifo",
      "--out",
      path.join(dir, "out"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--sizes 10: s3fifo's small queue would hold 1");
  }, 150_000);

  it("refuses bad sizes and a bad --jobs with exit 2 and writes nothing", async () => {
    const { dir, file } = scenarioFile();
    const out = path.join(dir, "out");
    const r = await cachesim("mrc", file, "--sizes", "10,x", "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('found "x"');
    expect(existsSync(out)).toBe(false);
    const jobs = await cachesim("mrc", file, "--sizes", "10", "--jobs", "0", "--out", out);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr.trim()).toBe("cachesim mrc: --jobs takes a whole number from 1 to 256, found 0");
    expect(existsSync(out)).toBe(false);
  }, 150_000);
});

describe("cachesim mrc on a trace", () => {
  // 1 2 1 3 1 2 under LRU of 2 entries: 1 miss, 2 miss, 1 hit, 3 miss (2 goes), 1 hit, 2 miss.
  const TRACE = "1\n2\n*\n1\n3\n1\n2\n";

  it("reads a text trace's keys, skipping `*` lines, the same on every walk", () => {
    const dir = freshFolder();
    const file = path.join(dir, "t.txt");
    writeFileSync(file, TRACE);
    const source = traceRequests(file, WHOLE_TRACE, false);
    // The walk reuses one request object, so each is read as it comes.
    const keys = (walk: Iterable<Request>) => {
      const seen: string[] = [];
      for (const r of walk) seen.push(`${r.key}/${r.size}`);
      return seen;
    };
    expect(keys(source())).toEqual(["1/1", "2/1", "1/1", "3/1", "1/1", "2/1"]);
    expect(keys(source())).toEqual(keys(source()));
    const [row] = missRatioCurves(source, {
      policies: [{ name: "lru", options: {} }],
      sizes: [2],
      byBytes: false,
    });
    expect(row).toMatchObject({ policy: "lru", size: 2, requests: 6, misses: 4 });
  });

  it("gives the same curve from the trace file, its .gz and a scenario that replays it", async () => {
    const dir = freshFolder();
    writeFileSync(path.join(dir, "t.txt"), TRACE);
    writeFileSync(path.join(dir, "t.txt.gz"), gzipSync(TRACE));
    writeFileSync(
      path.join(dir, "s.yaml"),
      "name: replay\nseed: 1\nduration: 10s\nstrategy: local\nnodes: [n1]\n" +
        "workloads:\n  - trace: { file: t.txt, rate: 100 }\n",
    );
    const csvs: string[] = [];
    for (const input of ["t.txt", "t.txt.gz", "s.yaml"]) {
      const out = path.join(dir, `out-${input}`);
      const r = await cachesim(
        "mrc",
        path.join(dir, input),
        "--sizes",
        "1..3+1",
        "--policies",
        "lru,fifo",
        "--out",
        out,
      );
      expect(r.stderr, input).toBe("");
      expect(r.code, input).toBe(0);
      csvs.push(readFileSync(path.join(out, "mrc.csv"), "utf8"));
    }
    expect(csvs[0]).toContain("lru,2,6,4,");
    expect(csvs[1]).toBe(csvs[0]);
    expect(csvs[2]).toBe(csvs[0]);
  }, 150_000);

  it("refuses a missing trace, and bytes from a trace without sizes, with exit 2 and nothing written", async () => {
    const dir = freshFolder();
    const out = path.join(dir, "out");
    const missing = await cachesim("mrc", path.join(dir, "nope.txt"), "--sizes", "2", "--out", out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.txt");
    expect(existsSync(out)).toBe(false);
    writeFileSync(path.join(dir, "t.txt"), TRACE);
    const bytes = await cachesim(
      "mrc",
      path.join(dir, "t.txt"),
      "--sizes",
      "2",
      "--policies",
      "lru",
      "--unit",
      "bytes",
      "--out",
      out,
    );
    expect(bytes.code).toBe(2);
    expect(bytes.stderr).toContain("line 1 has no size; --unit bytes needs sizes");
    expect(existsSync(out)).toBe(false);
    // Found on worker threads (several replays, --jobs 2): the same one line, and nothing written.
    const onThreads = await cachesim(
      "mrc",
      path.join(dir, "t.txt"),
      "--sizes",
      "2,3",
      "--policies",
      "lru,fifo",
      "--unit",
      "bytes",
      "--jobs",
      "2",
      "--out",
      out,
    );
    expect(onThreads.code).toBe(2);
    expect(onThreads.stderr.trim()).toBe(bytes.stderr.trim());
    expect(existsSync(out)).toBe(false);
  }, 150_000);
});
