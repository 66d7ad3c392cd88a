// Guards how a sweep turns into points: field paths, values set into the YAML text (in place, so line
// numbers hold), grid and zip order, the file's sweep: section, and validation of every point before
// any runs, with errors that name the file, line, field path and the points they occur in.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { loadScenario, parseScenario } from "../sim/scenario/load.ts";
import { ScenarioError } from "../sim/spec/errors.ts";
import { applyOverrides, OverrideError, parseFieldPath } from "../sim/sweep/override.ts";
import { buildPlan } from "../sim/sweep/plan.ts";
import { prepareSweep, sweepTasks } from "../sim/sweep/runSweep.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sweep-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BASE = `name: plan-test
strategy: local
duration: 50ms
defaults:
  cache: { capacity: 100, ttl: 30ms }
  network: { cache: 500us, database: 1ms }
nodes:
  - { name: A }
  - { name: B, network: { database: 2ms } }
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k }
`;

function scenarioFile(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof OverrideError) return error.message;
    throw error;
  }
  throw new Error("expected an error");
}

describe("field paths", () => {
  it("reads names and list indexes", () => {
    expect(parseFieldPath("defaults.cache.ttl")).toEqual(["defaults", "cache", "ttl"]);
    expect(parseFieldPath("nodes[1].network.database")).toEqual(["nodes", 1, "network", "database"]);
    expect(parseFieldPath("workloads[0].generator.rate")).toEqual(["workloads", 0, "generator", "rate"]);
    expect(parseFieldPath("strategy.write.delay")).toEqual(["strategy", "write", "delay"]);
  });

  it("refuses malformed paths", () => {
    for (const bad of ["", "a..b", "a.", ".a", "a[x]", "a[1", "1a", "a b"]) {
      expect(() => parseFieldPath(bad), bad).toThrow(OverrideError);
    }
  });
});

describe("overrides on the YAML text", () => {
  it("splices a value in place of a scalar, so every line keeps its number", () => {
    const out = applyOverrides(BASE, [
      { path: "defaults.cache.ttl", segments: ["defaults", "cache", "ttl"], value: "5s" },
      { path: "nodes[1].network.database", segments: ["nodes", 1, "network", "database"], value: "7ms" },
    ]);
    expect(out.split("\n")).toHaveLength(BASE.split("\n").length);
    expect(out).toContain('cache: { capacity: 100, ttl: "5s" }');
    expect(out).toContain('- { name: B, network: { database: "7ms" } }');
    const scenario = parseScenario(out, "x.yaml", knownNames());
    expect(scenario.nodes[0]?.cache.ttlUs).toBe(5_000_000);
    expect(scenario.nodes[1]?.network.database).toEqual(
      parseScenario(BASE.replace("database: 2ms", "database: 7ms"), "x.yaml", knownNames()).nodes[1]?.network
        .database,
    );
  });

  it("gives each point its own values from the places it keeps for one text and set of fields", () => {
    const ttl = (value: string) => [
      { path: "defaults.cache.ttl", segments: ["defaults", "cache", "ttl"], value },
    ];
    // Points of one sweep: the same text and fields, other values.
    expect(applyOverrides(BASE, ttl("5s"))).toContain('ttl: "5s" }');
    expect(applyOverrides(BASE, ttl("9s"))).toContain('ttl: "9s" }');
    // Another text with the field elsewhere, and the same text with another field: each found afresh.
    const moved = `# a longer first line moves every offset\n${BASE}`;
    expect(applyOverrides(moved, ttl("9s"))).toBe(
      `# a longer first line moves every offset\n${applyOverrides(BASE, ttl("9s"))}`,
    );
    const capacity = [
      { path: "defaults.cache.capacity", segments: ["defaults", "cache", "capacity"], value: 7 },
    ];
    expect(applyOverrides(BASE, capacity)).toContain("cache: { capacity: 7, ttl: 30ms }");
    // A field the file lacks, after points that only replaced values: through the document again.
    expect(
      parseScenario(
        applyOverrides(BASE, [{ path: "seed", segments: ["seed"], value: 5 }]),
        "x.yaml",
        knownNames(),
      ).seed,
    ).toBe(5);
  });

  it("adds a field the file does not have", () => {
    const out = applyOverrides(BASE, [{ path: "seed", segments: ["seed"], value: 42 }]);
    expect(parseScenario(out, "x.yaml", knownNames()).seed).toBe(42);
  });

  it("keeps the first N items when a list is set to a whole number", () => {
    const out = applyOverrides(BASE, [{ path: "nodes", segments: ["nodes"], value: 1 }]);
    expect(parseScenario(out, "x.yaml", knownNames()).nodes.map((n) => n.name)).toEqual(["A"]);
    expect(() => applyOverrides(BASE, [{ path: "nodes", segments: ["nodes"], value: 3 }])).toThrow(
      /sweep it over 1..2/,
    );
  });

  it("says why a path cannot be set", () => {
    const text = "strategy: local\nnodes: [A, B]\n";
    expect(() =>
      applyOverrides(text, [
        { path: "nodes[1].cache.ttl", segments: ["nodes", 1, "cache", "ttl"], value: "1s" },
      ]),
    ).toThrow(/nodes\[1\] is the plain value "B", not a mapping/);
    expect(() =>
      applyOverrides(text, [
        { path: "nodes[5].cache.ttl", segments: ["nodes", 5, "cache", "ttl"], value: "1s" },
      ]),
    ).toThrow(/nodes\[5\] does not exist: the list has 2 items/);
  });
});

describe("plans", () => {
  it("makes a grid with the first --set varying slowest", () => {
    const plan = buildPlan("x.yaml", BASE, ["defaults.cache.ttl=1ms,2ms", "nodes[0].cache.capacity=1..3"]);
    expect(plan.pointCount).toBe(6);
    expect([0, 1, 2, 3, 4, 5].map((i) => plan.point(i).labels)).toEqual([
      ["1ms", "1"],
      ["1ms", "2"],
      ["1ms", "3"],
      ["2ms", "1"],
      ["2ms", "2"],
      ["2ms", "3"],
    ]);
    expect(plan.describe(plan.point(4))).toBe("defaults.cache.ttl=2ms, nodes[0].cache.capacity=2");
  });

  it("reads grid, zip and seeds from the file's sweep: section, and --set replaces a grid field", () => {
    const text = `${BASE}sweep:
  zip:
    defaults.cache.ttl: [1ms, 2ms, 3ms]
    nodes[0].cache.capacity: 10..30+10
  grid:
    defaults.network.database: 1ms,2ms
  seeds: 3
`;
    const plan = buildPlan("x.yaml", text, []);
    // In the order the file writes them: the zipped pair is the outer axis here.
    expect(plan.fields.map((f) => f.path)).toEqual([
      "defaults.cache.ttl",
      "nodes[0].cache.capacity",
      "defaults.network.database",
    ]);
    expect(plan.pointCount).toBe(6);
    expect(plan.point(1).labels).toEqual(["1ms", "10", "2ms"]);
    expect(plan.point(2).labels).toEqual(["2ms", "20", "1ms"]);
    expect(plan.fileSeeds).toBe(3);
    const replaced = buildPlan("x.yaml", text, ["defaults.network.database=5ms"]);
    expect(replaced.pointCount).toBe(3);
    expect(replaced.fields.map((f) => f.path)).toEqual([
      "defaults.cache.ttl",
      "nodes[0].cache.capacity",
      "defaults.network.database",
    ]);
  });

  it("a plain run accepts (and ignores) the sweep: section", () => {
    const file = scenarioFile(
      "with-section.yaml",
      `${BASE}sweep:\n  grid: { defaults.cache.ttl: 1ms..4ms*2 }\n`,
    );
    expect(loadScenario(file, knownNames()).nodes[0]?.cache.ttlUs).toBe(30_000);
  });

  it("points at the line of a bad sweep: section", () => {
    const message = errorOf(() =>
      buildPlan(
        "x.yaml",
        `${BASE}sweep:\n  zip:\n    seed: [1, 2]\n    defaults.cache.ttl: [1s]\n  bogus: 1\n`,
        [],
      ),
    );
    expect(message).toContain("x.yaml:16:5: sweep.zip: zipped fields move together");
    expect(message).toContain("x.yaml:18:3: sweep.bogus: unknown field");
  });

  it("refuses a malformed --set and an empty sweep", () => {
    expect(errorOf(() => buildPlan("x.yaml", BASE, ["defaults.cache.ttl"]))).toContain(
      "expected path=values",
    );
    expect(errorOf(() => buildPlan("x.yaml", BASE, ["defaults.cache.ttl=60s..1s*2"]))).toContain(
      "--set: defaults.cache.ttl: a range must not run backwards",
    );
    expect(errorOf(() => buildPlan("x.yaml", BASE, []))).toContain("nothing to sweep");
  });
});

describe("validating every point first", () => {
  it("lists each problem once with file:line, field path and the points it occurs in", () => {
    const file = scenarioFile("points.yaml", BASE);
    const message = errorOf(() =>
      prepareSweep({ file, sets: ["defaults.cache.ttl=1ms,soon,5ms", "defaults.cache.capacity=10,-1"] }),
    );
    const lines = message.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5:\\d+: defaults\\.cache\\.capacity: .*found -1 \\(sweep point 2 of 6: defaults\\.cache\\.ttl=1ms, defaults\\.cache\\.capacity=-1; point 4 of 6: .*; point 6 of 6: `,
      ),
    );
    expect(lines[1]).toContain(`${file}:5:`);
    expect(lines[1]).toContain(
      'defaults.cache.ttl: expected a duration such as "30s", "500ms" or "250us", found "soon"',
    );
    expect(lines[1]).toContain(
      "(sweep point 3 of 6: defaults.cache.ttl=soon, defaults.cache.capacity=10; point 4 of 6:",
    );
  });

  it("says 'all points' for a mistake every point shares", () => {
    const file = scenarioFile("all.yaml", BASE);
    const message = errorOf(() => prepareSweep({ file, sets: ["defaults.cache.tll=1ms,2ms"] }));
    expect(message).toContain('defaults.cache: unknown field "tll"');
    expect(message).toContain("(all 2 sweep points)");
  });

  it("derives seed k of a point as its root seed + k, in row order", () => {
    const file = scenarioFile("seeds.yaml", `${BASE}seed: 40\n`);
    const prepared = prepareSweep({ file, sets: ["defaults.cache.ttl=1ms,2ms"], seeds: 3 });
    const tasks = [...sweepTasks(prepared)];
    expect(tasks.map((t) => [t.index, t.task.seed])).toEqual([
      [0, 40],
      [1, 41],
      [2, 42],
      [3, 40],
      [4, 41],
      [5, 42],
    ]);
    expect(prepared.header.slice(0, 3)).toEqual(["defaults.cache.ttl", "seed", "reads"]);
    expect(errorOf(() => prepareSweep({ file, sets: ["seed=1,2"], seeds: 2 }))).toContain("either --seeds");
  });
});
