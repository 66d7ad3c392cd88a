// Guards the line-by-line reading of big `data.values` mappings and `script:` lists: it loads exactly what the yaml package would, reports the same problems at the same places, steps aside for anything it does not recognise, and loads 200,000 keys.
import { describe, expect, it } from "vitest";
import { type LoadOptions, parseScenario } from "../sim/scenario/load.ts";
import { BULK_DEFAULTS, parseYaml } from "../sim/scenario/yamlBulk.ts";
import type { Scenario } from "../sim/sections/registry.ts";
import { formatCount, formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";

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
    // Ops written as block mappings: not a form the fast path reads.
    const script = Array.from(
      { length: Math.ceil(LIMITS.yamlBytes / 40) + 10 },
      (_, i) => `      - at: ${i}us\n        op: read\n        key: k`,
    );
    const big = `strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n${script.join("\n")}\n`;
    const out = load(big, 256) as string[];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      new RegExp(
        `^${FILE}: expected at most ${formatCount(LIMITS.yamlBytes)} bytes of YAML besides bulk mappings and lists .*, found [0-9,]+ bytes$`,
      ),
    );
  });
});

/** A scenario whose workloads are scripts of these op lines (each list under its own node). */
const withScripts = (...scripts: ReadonlyArray<readonly string[]>) =>
  `strategy: local\nnodes: [A, B]\nduration: 1s\nworkloads:\n${scripts
    .map(
      (ops, i) =>
        `  - node: ${i % 2 === 0 ? "A" : "B"}\n    script:\n${ops.map((op) => `      ${op}\n`).join("")}`,
    )
    .join("")}`;

describe("script ops read line by line", () => {
  it("reads every one-line spelling yaml reads, in any field order, to the same ops", () => {
    const ops = [
      '- { at: 0ms, op: read, key: "User:1" }',
      "- {at: 1ms, op: write, key: k, value: new value}   # a comment",
      "- { op: read, key: 'it''s', at: 2ms }",
      '- { at: 3ms, op: write, key: "esc\\"aped", value: "tab\\t" , }',
      "- { at: 4ms, op: flush }",
      "- { at: 5ms, op: read, key: a:b }",
      "- { at: 6ms, op: write, key: k#1, value: '#not a comment' }",
      "- { at: 7ms, op: read, key: ünïcode }",
    ];
    const text = withScripts(ops, ["- { at: 0ms, op: read, key: other }"]);
    expect(parseYaml(text, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkOps: ops.length + 1 });
    const scenario = loadBothWays(text) as Scenario;
    expect(scenario.workloads[0]).toEqual({
      kind: "script",
      nodes: ["A"],
      ops: [
        { atUs: 0, op: "read", key: "User:1" },
        { atUs: 1000, op: "write", key: "k", value: "new value" },
        { atUs: 2000, op: "read", key: "it's" },
        { atUs: 3000, op: "write", key: 'esc"aped', value: "tab\t" },
        { atUs: 4000, op: "flush" },
        { atUs: 5000, op: "read", key: "a:b" },
        { atUs: 6000, op: "write", key: "k#1", value: "#not a comment" },
        { atUs: 7000, op: "read", key: "ünïcode" },
      ],
    });
    expect(loadBothWays(text.replaceAll("\n", "\r\n"))).toEqual(scenario);
    // `- script:` as a workload's first key, and ops at the key's own indent.
    const dashed =
      "strategy: local\nnodes: [A]\nworkloads:\n  - script:\n    - { at: 0ms, op: read, key: k }\n    node: A\n";
    expect(parseYaml(dashed, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkOps: 1 });
    expect((loadBothWays(dashed) as Scenario).workloads[0]).toEqual({
      kind: "script",
      nodes: ["A"],
      ops: [{ atUs: 0, op: "read", key: "k" }],
    });
  });

  it("reports the same problems at the same lines and columns", () => {
    const out = loadBothWays(
      withScripts(
        [
          "- { at: 0ms, op: read, key: 007 }",
          "- { at: 5s, op: read, key: k }",
          "- { at: 1ms, op: jump, key: k }",
          "- { at: 1ms, op: flush, key: k }",
          "- { at: 1ms, op: write, key: k }",
          "- { at: soon, op: read, key: k }",
        ],
        ["- { at: 0ms, op: write, key: k, value: 1.0 }", "- { at: 0ms, op: read, key: ~ }"],
      ),
    );
    expect(out).toMatchInlineSnapshot(`
      [
        "scenarios/bulk.yaml:9:24: workloads[0].script[2].op: expected one of: read, write, flush, found "jump"",
        "scenarios/bulk.yaml:10:31: workloads[0].script[3]: unknown field "key" (expected one of: at, op)",
        "scenarios/bulk.yaml:11:9: workloads[0].script[4].value: expected a string of at most 65,536 characters, found nothing",
        "scenarios/bulk.yaml:12:15: workloads[0].script[5].at: expected a duration such as "30s", "500ms" or "250us", found "soon"",
        "scenarios/bulk.yaml:16:35: workloads[1].script[1].key: expected a non-empty string of at most 65,536 characters, found null",
      ]
    `);
    // Problems found once the shape is right: spellings YAML retypes, times past the end.
    expect(
      loadBothWays(
        withScripts(
          ["- { at: 0ms, op: read, key: 007 }", "- { at: 5s, op: read, key: k }"],
          ["- { at: 0ms, op: write, key: k, value: 1.0 }"],
        ),
      ),
    ).toEqual([
      `${FILE}:7:35: workloads[0].script[0].key: expected a string value; put it in quotes to keep it as written: "007", found 007 (read by YAML as a number)`,
      `${FILE}:8:15: workloads[0].script[1].at: expected a time before the end of the run (duration: 1s), found "5s": the op would never run`,
      `${FILE}:11:46: workloads[1].script[0].value: expected a string value; put it in quotes to keep it as written: "1.0", found 1.0 (read by YAML as a number)`,
    ]);
  });

  it("steps aside for what it does not read itself, which then loads as before", () => {
    const cases = [
      ["- { at: 0ms, op: read, key: k, node: A }"], // a field no op has
      ["- { at: 0ms, at: 1ms, op: read, key: k }"], // a field twice
      ["- { at: 0ms, op: read, key: &x k }"], // anchors
      ["- { at: 0ms, op: read, key: [k] }"], // flow collections inside
      ["- { at: 0ms, op: read, key: k } # ok", "- at: 1ms", "  op: read", "  key: k"], // a block mapping
      ["- { at: 0ms, op: read,", "    key: k }"], // over two lines
      ["- { at: 0ms, op: read, key: k # no }"],
      ["- {at:0ms, op: read, key: k}"], // `at:0ms` is one plain scalar in flow
    ];
    for (const ops of cases) {
      expect(parseYaml(withScripts(ops), LIMITS.yamlBytes, FAST)).toMatchObject({ bulkOps: 0 });
      loadBothWays(withScripts(ops));
    }
    // A list named `script` elsewhere is yaml's.
    const elsewhere = `${withScripts(["- { at: 0ms, op: read, key: k }"])}sweep:\n  script:\n    - { at: 0ms, op: read, key: k }\n`;
    expect(parseYaml(elsewhere, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkOps: 1 });
    loadBothWays(elsewhere);
  });

  it("keeps positions right after each cut, with data.values cut too", () => {
    const text = `${withScripts(["- { at: 0ms, op: read, key: k }"], ["- { at: 0ms, op: read, key: k }"])}data:\n  values:\n    a: b\nreport: { interval: 0s }\n`;
    expect(parseYaml(text, LIMITS.yamlBytes, FAST)).toMatchObject({ bulkOps: 2, bulkEntries: 1 });
    expect(loadBothWays(text)).toEqual([
      `${FILE}:14:21: report.interval: expected a duration greater than 0, such as "30s", found "0s"`,
    ]);
  });

  it("stops reading at the first op past the limit, and says where it is", () => {
    const ops = Array.from({ length: 1001 }, (_, i) => `- { at: ${i}us, op: read, key: k }`);
    const text = withScripts(ops.slice(0, 600), ops.slice(600));
    expect(parseYaml(text, LIMITS.yamlBytes, { ...FAST, maxOps: 1000 })).toMatchObject({
      tooMany: text.lastIndexOf("- {"),
      what: "ops",
    });
  });
});
