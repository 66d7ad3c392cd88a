// Guards the line-by-line reading of big `data.values` mappings: it loads exactly what the yaml package would, reports the same problems at the same places, steps aside for anything it does not recognise, and loads 200,000 keys.
import { describe, expect, it } from "vitest";
import { type LoadOptions, parseScenario } from "../sim/scenario/load.ts";
import { BULK_DEFAULTS, parseYaml } from "../sim/scenario/yamlBulk.ts";
import { formatCount, formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";
import type { Scenario } from "../sim/spec/types.ts";

const OPTIONS: LoadOptions = { knownStrategies: ["local"], knownEvictions: ["lru"], knownMetrics: ["reads"] };
const FILE = "scenarios/bulk.yaml";
const HEAD = `strategy: local
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k }
`;

/** The outcome of loading: the scenario, or the problem lines. */
function load(text: string, bulkMinEntries: number): Scenario | string[] {
  try {
    return parseScenario(text, FILE, { ...OPTIONS, bulkMinEntries });
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map(formatProblem);
    throw error;
  }
}

/** Loads on the fast path and with yaml alone, checks both agree, and returns the outcome. */
function loadBothWays(text: string): Scenario | string[] {
  const fast = load(text, 1);
  expect(fast).toEqual(load(text, Number.POSITIVE_INFINITY));
  return fast;
}

/** The fast path for any number of entries. */
const FAST = { ...BULK_DEFAULTS, minEntries: 1 };

const withValues = (lines: readonly string[], tail = "") =>
  `${HEAD}data:\n  values:\n${lines.map((l) => `    ${l}\n`).join("")}${tail}`;

describe("data.values read line by line", () => {
  it("reads every one-line spelling yaml reads, to the same keys and values", () => {
    const lines = [
      "plain: John",
      '"User:1": Jane Doe',
      "user:2: a:b",
      "'single': 'it''s'",
      '"esc\\"aped": "tab\\there \\u00e9 \\\\ \\/"',
      "spaced:    words with  gaps   # and a comment",
      "42: true",
      "-7: -1",
      "k#1: v#1",
      "ünïcode: 数据",
      "trailing: spaces   ",
      "empty_quoted: ''",
      '"": empty key',
      "x.y_z-1: '#not a comment'",
    ];
    const text = withValues(lines, "  fill: { count: 1 }\n# the end\n");
    expect(parseYaml(text, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkEntries: lines.length });
    const scenario = loadBothWays(text) as Scenario;
    expect(scenario.data.values).toEqual([
      ["plain", "John"],
      ["User:1", "Jane Doe"],
      ["user:2", "a:b"],
      ["single", "it's"],
      ['esc"aped', "tab\there é \\ /"],
      ["spaced", "words with  gaps"],
      ["42", "true"],
      ["-7", "-1"],
      ["k#1", "v#1"],
      ["ünïcode", "数据"],
      ["trailing", "spaces"],
      ["empty_quoted", ""],
      ["", "empty key"],
      ["x.y_z-1", "#not a comment"],
    ]);
    // Windows line ends read the same.
    expect(loadBothWays(text.replaceAll("\n", "\r\n"))).toEqual(scenario);
  });

  it("reports the same problems at the same lines and columns", () => {
    // Duplicate keys are refused while reading, before anything else is looked at.
    expect(loadBothWays(withValues(["a: b", "1: x", '"1": y', "c: d", "true: z", "'true': w"]))).toEqual([
      `${FILE}:11:5: data.values["1"]: expected each key once in a mapping, found "1" again (first on line 10)`,
      `${FILE}:14:5: data.values.true: expected each key once in a mapping, found "true" again (first on line 13)`,
    ]);
    expect(loadBothWays(withValues(["a: 007", "b: 1.0", "c: ~", "d: True"]))).toEqual([
      `${FILE}:11:8: data.values.c: expected a string of at most 65,536 characters, found null`,
    ]);
    expect(loadBothWays(withValues(["a: 007", "b: 1.0", "c: d", "d: True", "1e3: x"]))).toEqual([
      `${FILE}:9:8: data.values.a: expected a string value; put it in quotes to keep it as written: "007", found 007 (read by YAML as a number)`,
      `${FILE}:10:8: data.values.b: expected a string value; put it in quotes to keep it as written: "1.0", found 1.0 (read by YAML as a number)`,
      `${FILE}:12:8: data.values.d: expected a string value; put it in quotes to keep it as written: "True", found True (read by YAML as a boolean)`,
      `${FILE}:13:5: data.values["1000"]: expected a string key; put it in quotes to keep it as written: "1e3", found 1e3 (read by YAML as a number)`,
    ]);
  });

  it("steps aside for what it does not read itself, which then loads as before", () => {
    const cases = [
      ["a: &x 1", "b: *x"], // anchors and aliases
      ["a: !!str 1"], // tags
      ["a: { b: c }"], // flow collections
      ["a: one", "  two"], // a plain scalar over two lines
      ["a:", "  b: c"], // nested mappings
      ["a: b: c"], // not YAML
      ['a: "unclosed'],
      ["a: |", "  text"],
      ["a:\tb"],
    ];
    for (const lines of cases) {
      expect(parseYaml(withValues(lines), LIMITS.yamlBytes, FAST)).toMatchObject({
        bulkEntries: 0,
      });
      loadBothWays(withValues(lines));
    }
    // `values:` inside a block scalar is text, not the mapping: the cut would land nowhere.
    const inText = `${HEAD}data:\n  fill:\n    count: 1\n    prefix: |\n      values:\n        a: b\n`;
    expect(parseYaml(inText, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkEntries: 0 });
    expect((loadBothWays(inText) as Scenario).data.fill?.prefix).toBe("values:\n  a: b\n");
    // Another mapping named `values` elsewhere is yaml's too.
    const elsewhere = `${HEAD}description: x\nsweep:\n  values:\n    a: b\n`;
    expect(parseYaml(elsewhere, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkEntries: 0 });
  });

  it("keeps positions right after the cut (problems below data.values point at their own lines)", () => {
    const out = loadBothWays(withValues(["a: b", "c: d"], "report: { interval: 0s }\n"));
    expect(out).toEqual([
      `${FILE}:11:21: report.interval: expected a duration greater than 0, such as "30s", found "0s"`,
    ]);
  });

  it("loads 200,000 keys in file order, and reports a duplicate deep inside with both its lines", () => {
    const n = 200_000;
    const lines = Array.from({ length: n }, (_, i) => `"user:${i}": "value-${i}"`);
    const text = withValues(lines);
    const scenario = load(text, 256) as Scenario;
    expect(scenario.data.values).toHaveLength(n);
    expect(scenario.data.values[0]).toEqual(["user:0", "value-0"]);
    expect(scenario.data.values[n - 1]).toEqual([`user:${n - 1}`, `value-${n - 1}`]);
    expect(scenario.data.values[123_456]).toEqual(["user:123456", "value-123456"]);

    // Line 9 holds user:0, so user:i is on line 9 + i.
    lines[150_000] = `user:1234: "again"`;
    expect(load(withValues(lines), 256)).toEqual([
      `${FILE}:${9 + 150_000}:5: data.values["user:1234"]: expected each key once in a mapping, found "user:1234" again (first on line ${9 + 1234})`,
    ]);
  });

  it("stops reading at the first key past the limit, and says where it is", () => {
    const lines = Array.from({ length: LIMITS.dataValues + 5 }, (_, i) => `k${i}: v`);
    expect(load(withValues(lines), 256)).toEqual([
      `${FILE}:${9 + LIMITS.dataValues}:5: data.values: expected a mapping of at most ${formatCount(LIMITS.dataValues)} keys to string values, found more (key ${formatCount(LIMITS.dataValues + 1)} is here)`,
    ]);
  });

  it("lets the yaml parser itself read at most yamlBytes of a file", () => {
    const script = Array.from(
      { length: Math.ceil(LIMITS.yamlBytes / 40) + 10 },
      (_, i) => `      - { at: ${i}us, op: read, key: k }`,
    );
    const big = `strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n${script.join("\n")}\n`;
    const out = load(big, 256) as string[];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      new RegExp(
        `^${FILE}: expected at most ${formatCount(LIMITS.yamlBytes)} bytes of YAML besides bulk mappings .*, found [0-9,]+ bytes$`,
      ),
    );
  });
});
