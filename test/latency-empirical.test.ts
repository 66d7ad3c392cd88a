// Guards the empirical latency model: a CSV (or inline list) of measured latencies read at load time
// relative to the scenario's folder, sampled exactly in proportion to the counts from the link's own
// stream, and every bad file refused with its own file:line:col, the field path and expected/found.
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { empirical } from "../sim/model/latency/empirical.ts";
import { latencySampler } from "../sim/model/latency.ts";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { loadScenario, parseScenario } from "../sim/scenario/load.ts";
import type { Scenario } from "../sim/sections/registry.ts";
import { formatCount, formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";
import type { LatencyModel } from "../sim/spec/types.ts";
import { runToTexts, scenarioFromFile, scenarioFromText } from "./support/runText.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-empirical-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A scenario whose node A's database link is `model`, written to `dir` with the given CSV files. */
function scenarioIn(dir: string, model: string, files: Record<string, string> = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const file = path.join(dir, "s.yaml");
  writeFileSync(
    file,
    `strategy: local\nnodes:\n  - { name: A, network: { database: ${model} } }\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n`,
  );
  return file;
}

function load(file: string): Scenario | string[] {
  try {
    return loadScenario(file, knownNames());
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map(formatProblem);
    throw error;
  }
}

function databaseModel(file: string): LatencyModel {
  const loaded = load(file);
  if (Array.isArray(loaded)) throw new Error(loaded.join("\n"));
  return (loaded.nodes[0] as Scenario["nodes"][number]).network.database;
}

async function cachesim(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ["sim/bin/cachesim.js", ...args], {
      timeout: 60_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

let dirs = 0;
const freshDir = () => path.join(tmp, `d${dirs++}`);
/** Files outside the working folder are named in messages by their absolute path (the test's are in tmp). */
const shown = (file: string) => file;

describe("empirical: the table", () => {
  it("reads one latency a line in the header's unit, exactly, relative to the scenario's folder", () => {
    const us = scenarioIn(freshDir(), "{ dist: empirical, file: lat.csv }", {
      "lat.csv": "latency_us\n300\n200\n\n300\n 250 \n",
    });
    expect(databaseModel(us)).toEqual({ dist: "empirical", valuesUs: [200, 250, 300], counts: [1, 1, 2] });
    // 0.29 ms is 290 µs exactly (0.29 × 1000 is 290.00000000000006 in floating point).
    const ms = scenarioIn(freshDir(), "{ dist: empirical, file: lat.csv }", {
      "lat.csv": '\uFEFFlatency_ms\n0.29\n1.5\n"2"\n',
    });
    expect(databaseModel(ms)).toEqual({ dist: "empirical", valuesUs: [290, 1500, 2000], counts: [1, 1, 1] });
    const s = scenarioIn(freshDir(), "{ dist: empirical, file: lat.csv }", {
      "lat.csv": "rtt_s\n0.000001\n1\n",
    });
    expect(databaseModel(s)).toEqual({ dist: "empirical", valuesUs: [1, 1_000_000], counts: [1, 1] });
  });

  it("reads a histogram `value_us,count` (a zero count allowed), and an absolute path", () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const csv = path.join(dir, "hist.csv");
    writeFileSync(csv, "value_us,count\n200,990\n20000,10\n500,0\n200,5\n");
    const file = scenarioIn(path.join(dir, "elsewhere"), `{ dist: empirical, file: ${JSON.stringify(csv)} }`);
    expect(databaseModel(file)).toEqual({ dist: "empirical", valuesUs: [200, 20_000], counts: [995, 10] });
  });

  it("reads a broadcast near cache's latency file from the scenario's folder too", () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "b.csv"), "latency_ms\n5\n");
    const file = path.join(dir, "near.yaml");
    writeFileSync(
      file,
      readFileSync("scenarios/patterns/near-broadcast.yaml", "utf8").replace(
        "latency: 5ms",
        "latency: { dist: empirical, file: b.csv }",
      ),
    );
    const loaded = load(file);
    expect(JSON.stringify(loaded)).toContain('"latency":{"dist":"empirical","valuesUs":[5000],"counts":[1]}');
  });

  it("takes the same table inline, as `values` or `histogram`", () => {
    const inline = (model: string) => databaseModel(scenarioIn(freshDir(), model));
    expect(inline("{ dist: empirical, values: [300us, 0.2ms, 300us] }")).toEqual({
      dist: "empirical",
      valuesUs: [200, 300],
      counts: [1, 2],
    });
    expect(inline("{ dist: empirical, histogram: [[200us, 99], [20ms, 1]] }")).toEqual({
      dist: "empirical",
      valuesUs: [200, 20_000],
      counts: [99, 1],
    });
  });
});

describe("empirical: sampling", () => {
  /** An Rng that gives k / 2^53 for each k in turn. */
  const scripted = (ks: number[]) => ({ next: () => (ks.shift() as number) / 2 ** 53 });

  it("maps a uniform whole number below the total onto the rows by their counts", () => {
    // counts 1, 3: r = 0 is the first row, r = 1 … 3 the second; k is taken modulo the total.
    const sample = empirical.create(scripted([0, 1, 3, 4, 5, 2 ** 52]), {
      valuesUs: [10, 20],
      counts: [1, 3],
    });
    expect([sample(), sample(), sample(), sample(), sample(), sample()]).toEqual([10, 20, 20, 10, 20, 10]);
  });

  it("draws again past the largest multiple of the total, so every row's chance is exact", () => {
    // 2^53 = 3 × 3002399751580330 + 2: k = 2^53 - 2 and 2^53 - 1 would favour rows 0 and 1.
    const sample = empirical.create(scripted([2 ** 53 - 1, 2 ** 53 - 2, 2]), {
      valuesUs: [10, 20, 30],
      counts: [1, 1, 1],
    });
    expect(sample()).toBe(30);
  });

  it("gives each latency in proportion to its count, from the link's own seeded stream", () => {
    const model: LatencyModel = { dist: "empirical", valuesUs: [200, 1_000, 20_000], counts: [90, 9, 1] };
    const n = 200_000;
    const draw = (seed: number, stream: string) => {
      const sample = latencySampler(model, new RngStreams(seed).stream(stream));
      return Array.from({ length: n }, sample);
    };
    const xs = draw(7, "link:A:database");
    for (const [value, share] of [
      [200, 0.9],
      [1_000, 0.09],
      [20_000, 0.01],
    ] as const) {
      const seen = xs.filter((x) => x === value).length / n;
      expect(Math.abs(seen - share), `${value}`).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n));
    }
    expect(new Set(xs)).toEqual(new Set([200, 1_000, 20_000]));
    expect(draw(7, "link:A:database")).toEqual(xs);
    expect(draw(7, "link:B:database")).not.toEqual(xs);
  });

  it("runs a scenario exactly as the constant it reduces to when every measurement is the same", async () => {
    const text = (model: string) =>
      `strategy: local\nduration: 2s\nnodes: [A, B]\ndefaults: { network: { database: ${model} } }\nworkloads:\n  - generator: { rate: 500, keys: { count: 50 } }\n`;
    const a = await runToTexts(scenarioFromText(text("{ dist: empirical, histogram: [[3ms, 7]] }")));
    const b = await runToTexts(scenarioFromText(text("3ms")));
    expect(a.files["summary.csv"]).toBe(b.files["summary.csv"]);
    expect(a.files["timeseries.csv"]).toBe(b.files["timeseries.csv"]);
  });
});

describe("empirical: mistakes", () => {
  const FIELD = "nodes[0].network.database";
  const problemsWith = (model: string, files: Record<string, string> = {}) => {
    const dir = freshDir();
    const file = scenarioIn(dir, model, files);
    const loaded = load(file);
    return {
      problems: Array.isArray(loaded) ? loaded : [],
      yaml: shown(file),
      csv: shown(path.join(dir, "l.csv")),
    };
  };
  const csvProblems = (csv: string) => problemsWith("{ dist: empirical, file: l.csv }", { "l.csv": csv });

  it("a missing file, named where the scenario names it", () => {
    const { problems, yaml, csv } = problemsWith("{ dist: empirical, file: l.csv }");
    expect(problems).toEqual([
      `${yaml}:3:62: ${FIELD}.file: expected a file of latencies (there is no ${csv}), found "l.csv"`,
    ]);
  });

  it("a bad line, at the CSV's own file:line:col", () => {
    const bad = csvProblems("value_us,count\n200,5\n\nabc,3\n");
    expect(bad.problems).toEqual([
      `${bad.csv}:4:1: ${FIELD}.file: expected a latency in us such as 250 (whole microseconds, at most 8784h), found "abc"`,
    ]);
    const count = csvProblems("value_us,count\n200,5\n300,-1\n");
    expect(count.problems).toEqual([
      `${count.csv}:3:5: ${FIELD}.file: expected a count, a whole number of at least 0, found "-1"`,
    ]);
    const fraction = csvProblems("latency_ms\n0.25\n0.2505\n");
    expect(fraction.problems).toEqual([
      `${fraction.csv}:3:1: ${FIELD}.file: expected a latency in ms such as 0.25 (whole microseconds, at most 8784h), found "0.2505"`,
    ]);
    const width = csvProblems("latency_us\n200\n200,3\n");
    expect(width.problems).toEqual([
      `${width.csv}:3:1: ${FIELD}.file: expected one latency in us, found 2 fields: "200,3"`,
    ]);
    const quote = csvProblems('latency_us\n200\n"300\n');
    expect(quote.problems[0]).toMatch(
      new RegExp(
        `^${quote.csv.replace(/[.]/g, "\\.")}:3:1: ${FIELD.replace(/[[\].]/g, "\\$&")}\\.file: expected CSV text, found invalid CSV`,
      ),
    );
  });

  it("a header that does not name the unit, an empty file, no counts", () => {
    const expected = "a header naming the unit, such as latency_us, latency_ms or value_us,count";
    const header = csvProblems("200\n300\n");
    expect(header.problems).toEqual([`${header.csv}:1:1: ${FIELD}.file: expected ${expected}, found "200"`]);
    const hist = csvProblems("value_us,n\n200,3\n");
    expect(hist.problems).toEqual([
      `${hist.csv}:1:1: ${FIELD}.file: expected ${expected}, found "value_us,n"`,
    ]);
    const empty = csvProblems("\n\n");
    expect(empty.problems).toEqual([
      `${empty.csv}:1:1: ${FIELD}.file: expected ${expected}, found an empty file`,
    ]);
    const zero = csvProblems("value_us,count\n200,0\n");
    expect(zero.problems).toEqual([
      `${zero.csv}:1:1: ${FIELD}.file: expected at least one latency with a count above 0, found none`,
    ]);
  });

  it("an unknown field, two sources or none, a bad inline entry", () => {
    const { problems, yaml } = problemsWith("{ dist: empirical, file: l.csv, unit: ms }", {
      "l.csv": "latency_us\n1\n",
    });
    expect(problems).toEqual([
      `${yaml}:3:69: ${FIELD}: unknown field "unit" (expected one of: dist, file, values, histogram)`,
    ]);
    const two = problemsWith("{ dist: empirical, values: [1ms], histogram: [[1ms, 1]] }");
    expect(two.problems).toEqual([
      `${two.yaml}:3:82: ${FIELD}.histogram: expected just one of file, values and histogram, but values is given too, found a list of 1 item`,
    ]);
    expect(problemsWith("{ dist: empirical }").problems[0]).toMatch(
      /:3:37: nodes\[0\]\.network\.database: expected one of the fields file, values or histogram, found a mapping \{ dist \}$/,
    );
    expect(problemsWith("{ dist: empirical, histogram: [[1ms, 1], [2ms]] }").problems[0]).toMatch(
      /:3:78: nodes\[0\]\.network\.database\.histogram\[1\]: expected a \[latency, count\] pair such as \["250us", 90\], found a list of 1 item$/,
    );
    expect(problemsWith("{ dist: empirical, histogram: [[1ms, 0]] }").problems[0]).toMatch(
      /nodes\[0\]\.network\.database\.histogram: expected at least one latency with a count above 0, found a list of 1 item$/,
    );
  });

  it("refuses a file past the size limit before reading it, and rows past the row limit as it reads", () => {
    const big = freshDir();
    const file = scenarioIn(big, "{ dist: empirical, file: l.csv }", { "l.csv": "latency_us\n" });
    truncateSync(path.join(big, "l.csv"), LIMITS.latencyFileBytes + 1);
    expect(load(file)).toEqual([
      `${shown(file)}:3:62: ${FIELD}.file: expected a file of latencies of at most ${formatCount(LIMITS.latencyFileBytes)} bytes (${shown(path.join(big, "l.csv"))} has ${formatCount(LIMITS.latencyFileBytes + 1)}), found "l.csv"`,
    ]);
    const many = csvProblems(`latency_us\n${"1\n".repeat(LIMITS.latencyRows + 5)}`);
    expect(many.problems).toEqual([
      `${many.csv}:${LIMITS.latencyRows + 2}:1: ${FIELD}.file: expected at most ${formatCount(LIMITS.latencyRows)} rows of latencies (a histogram of value_us,count rows holds any number of measurements in few rows), found more`,
    ]);
  });

  it("stops `cachesim run` with exit 2, the CSV's file:line and no report folder", async () => {
    const dir = freshDir();
    const file = scenarioIn(dir, "{ dist: empirical, file: l.csv }", { "l.csv": "latency_us\n12\n1e3\n" });
    const out = path.join(dir, "out");
    const r = await cachesim("run", file, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${shown(path.join(dir, "l.csv"))}:3:1: ${FIELD}.file: expected a latency in us such as 250 (whole microseconds, at most 8784h), found "1e3"`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("finds the file from the folder of the name parseScenario is given, as loadScenario does", () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "l.csv"), "latency_us\n12\n");
    const scenario = parseScenario(
      "strategy: local\nnodes:\n  - { name: A, network: { cache: { dist: empirical, file: l.csv } } }\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n",
      path.join(dir, "inline.yaml"),
      knownNames(),
    );
    expect(scenario.nodes[0]?.network.cache).toEqual({ dist: "empirical", valuesUs: [12], counts: [1] });
  });
});

describe("the documented example", () => {
  it("docs/scenario-format.md quotes what a fresh run of scenarios/workloads/measured-latency.yaml gives", async () => {
    const { result, files } = await runToTexts(scenarioFromFile("scenarios/workloads/measured-latency.yaml"));
    expect(result.expectations.every((e) => e.passed)).toBe(true);
    const [header, ...rows] = (files["summary.csv"] as string).trim().split("\n");
    const columns = (header as string).split(",");
    const total = (rows.find((r) => r.startsWith("total,")) as string).split(",");
    const doc = readFileSync("docs/scenario-format.md", "utf8");
    const block = doc.slice(
      doc.indexOf("<!-- measured-latency:begin"),
      doc.indexOf("<!-- measured-latency:end -->"),
    );
    const quoted = [...block.matchAll(/^\| `([a-z0-9_]+)` \| (\d+) \|$/gm)];
    expect(quoted.length).toBe(3);
    for (const [, column, value] of quoted) {
      expect(total[columns.indexOf(column as string)], column).toBe(value);
    }
  });
});
