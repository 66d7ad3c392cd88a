// Guards the scenario loader: defaults, shorthands, cross-field checks, limits and the wording and positions of its errors.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LoadOptions, loadScenario, parseScenario } from "../sim/scenario/load.ts";
import type { Scenario } from "../sim/sections/registry.ts";
import { DEFAULTS } from "../sim/spec/defaults.ts";
import { formatCount, formatProblem, MAX_PROBLEMS_COLLECTED, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";
import { presetChoice, STRATEGY_SLOTS } from "../sim/strategies/catalogue.ts";

const OPTIONS: LoadOptions = {
  knownStrategies: ["local", "global"],
  knownEvictions: ["lru"],
  knownMetrics: ["reads", "stale_reads", "stale_rate"],
};

const FILE = "scenarios/x.yaml";

/** The smallest valid file, for tests that add one thing to it. */
const MINIMAL = `strategy: local
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k }
`;

function parse(text: string, options: Partial<LoadOptions> = {}): Scenario {
  return parseScenario(text, FILE, { ...OPTIONS, ...options });
}

/** The ScenarioError a file raises (failing the test if it loads). */
function failure(text: string, options: Partial<LoadOptions> = {}): ScenarioError {
  try {
    parse(text, options);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected the scenario to be refused, but it loaded");
}

function lines(text: string, options: Partial<LoadOptions> = {}): string[] {
  return failure(text, options).message.split("\n");
}

describe("defaults", () => {
  it("fills every field a minimal file leaves out, from defaults.ts", () => {
    const scenario = parse(MINIMAL);
    expect(scenario).toEqual({
      file: FILE,
      name: "x",
      description: "",
      seed: DEFAULTS.seed,
      durationUs: 60_000_000,
      strategy: presetChoice("local"),
      nodes: [
        {
          name: "A",
          cache: {
            capacity: 1000,
            capacityBytes: 0,
            ttlUs: 30_000_000,
            eviction: "lru",
            evictionOptions: {},
          },
          network: {
            cache: { dist: "constant", valueUs: 500 },
            database: { dist: "constant", valueUs: 2_000 },
          },
        },
      ],
      globalCache: {
        ringPoints: 64,
        shards: [
          { name: "node_a", ttlUs: 60_000_000, capacity: 0, capacityBytes: 0 },
          { name: "node_b", ttlUs: 60_000_000, capacity: 0, capacityBytes: 0 },
        ],
        eviction: "noeviction",
        evictionOptions: {},
      },
      data: { values: [], fill: null },
      workloads: [{ kind: "script", nodes: ["A"], ops: [{ atUs: 0, op: "read", key: "k" }] }],
      expectations: [],
      report: { intervalUs: 1_000_000, trace: "auto" },
      limits: { eventsMax: 100_000_000, traceRowsMax: 100_000, requestsMax: 1_000_000_000 },
      backend: { mode: "memory" },
      faults: null,
      mitigations: [],
      database: { connections: 0, service: { dist: "constant", valueUs: 0 } },
    } satisfies Scenario);
  });

  it("takes the name from the file name, made safe for a folder name", () => {
    expect(parseScenario(MINIMAL, "dir/local-stale.yaml", OPTIONS).name).toBe("local-stale");
    expect(parseScenario(MINIMAL, "my scenario (2).yml", OPTIONS).name).toBe("my_scenario_2_");
    expect(parse(`name: custom.v2\n${MINIMAL}`).name).toBe("custom.v2");
  });

  it("does not share default objects between nodes or with DEFAULTS", () => {
    const scenario = parse(MINIMAL.replace("nodes: [A]", "nodes: [A, B]"));
    const [a, b] = scenario.nodes;
    expect(a?.network.cache).not.toBe(b?.network.cache);
    expect(a?.network.cache).not.toBe(DEFAULTS.network.cache);
    expect(Object.isFrozen(DEFAULTS.network.cache)).toBe(true);
  });
});

describe("node defaults merging", () => {
  const scenario = parse(`strategy: local
defaults:
  cache: { capacity: 50, ttl: 5s }
  network:
    cache: 1ms
    database: { dist: normal, mean: 2ms, stddev: 500us }
nodes:
  - name: NodeA
    cache: { ttl: 10s }
    network: { database: 3ms }
  - NodeB
  - name: NodeC
    cache: { capacity: 0, eviction: lru }
workloads:
  - node: NodeA
    script: [{ at: 0ms, op: flush }]
`);

  it("merges a node's fields over `defaults:`, and those over the built-in defaults, field by field", () => {
    expect(scenario.nodes.map((n) => [n.name, n.cache])).toEqual([
      ["NodeA", { capacity: 50, capacityBytes: 0, ttlUs: 10_000_000, eviction: "lru", evictionOptions: {} }],
      ["NodeB", { capacity: 50, capacityBytes: 0, ttlUs: 5_000_000, eviction: "lru", evictionOptions: {} }],
      ["NodeC", { capacity: 0, capacityBytes: 0, ttlUs: 5_000_000, eviction: "lru", evictionOptions: {} }],
    ]);
  });

  it("merges network per link kind", () => {
    const normal = { dist: "normal", meanUs: 2_000, stddevUs: 500 };
    expect(scenario.nodes.map((n) => n.network)).toEqual([
      { cache: { dist: "constant", valueUs: 1_000 }, database: { dist: "constant", valueUs: 3_000 } },
      { cache: { dist: "constant", valueUs: 1_000 }, database: normal },
      { cache: { dist: "constant", valueUs: 1_000 }, database: normal },
    ]);
  });
});

describe("shorthands and forms", () => {
  it("reads every latency model form", () => {
    const scenario = parse(
      MINIMAL.replace(
        "nodes: [A]",
        `nodes:
  - { name: A, network: { cache: 250us, database: 0 } }
  - { name: B, network: { cache: { dist: constant, value: 1ms }, database: { dist: uniform, min: 1ms, max: 2ms } } }
  - { name: C, network: { cache: { dist: lognormal, median: 1ms, sigma: 0.5 }, database: { dist: exponential, mean: 3ms } } }`,
      ),
    );
    expect(scenario.nodes.map((n) => n.network)).toEqual([
      { cache: { dist: "constant", valueUs: 250 }, database: { dist: "constant", valueUs: 0 } },
      {
        cache: { dist: "constant", valueUs: 1_000 },
        database: { dist: "uniform", minUs: 1_000, maxUs: 2_000 },
      },
      {
        cache: { dist: "lognormal", medianUs: 1_000, sigma: 0.5 },
        database: { dist: "exponential", meanUs: 3_000 },
      },
    ]);
  });

  it("reads shards as bare names or mappings, their TTL defaulting to globalCache.ttl", () => {
    const scenario = parse(
      `${MINIMAL}globalCache:\n  ttl: 0\n  ringPoints: 8\n  shards: [s1, { name: s2, ttl: 5s }]\n`,
    );
    expect(scenario.globalCache).toEqual({
      ringPoints: 8,
      shards: [
        { name: "s1", ttlUs: 0, capacity: 0, capacityBytes: 0 },
        { name: "s2", ttlUs: 5_000_000, capacity: 0, capacityBytes: 0 },
      ],
      eviction: "noeviction",
      evictionOptions: {},
    });
  });

  it("bounds shards by entries and bytes, a shard's own bound over globalCache's, the policy with its options", () => {
    const scenario = parse(
      `${MINIMAL}globalCache:\n  capacityBytes: 1000\n  eviction: { policy: allkeys-lfu, lfuLogFactor: 100 }\n` +
        "  shards: [s1, { name: s2, capacity: 5 }, { name: s3, capacityBytes: 0 }]\n",
    );
    expect(scenario.globalCache.shards.map((s) => [s.name, s.capacity, s.capacityBytes])).toEqual([
      ["s1", 0, 1000],
      ["s2", 5, 1000],
      ["s3", 0, 0],
    ]);
    expect(scenario.globalCache.eviction).toBe("allkeys-lfu");
    expect(scenario.globalCache.evictionOptions).toEqual({
      samples: 5,
      lfuLogFactor: 100,
      lfuDecayMinutes: 1,
    });
  });

  it("keeps data.values in file order, integer-like keys included", () => {
    const scenario = parse(
      `${MINIMAL}data:\n  values: { "User:1": John, "10": a, "2": b, 3: c }\n  fill: { count: 3 }\n`,
    );
    expect(scenario.data).toEqual({
      values: [
        ["User:1", "John"],
        ["10", "a"],
        ["2", "b"],
        ["3", "c"],
      ],
      fill: { prefix: "key:", count: 3, value: "init" },
    });
  });

  it("turns unquoted numbers and booleans into text only when the text survives as written", () => {
    const scenario = parse(`${MINIMAL}data:\n  values: { a: 42, b: true, c: 2.5 }\n`);
    expect(scenario.data.values).toEqual([
      ["a", "42"],
      ["b", "true"],
      ["c", "2.5"],
    ]);
    expect(lines(`${MINIMAL}data:\n  values: { a: 007, b: 1.0, c: True }\n`)).toEqual([
      `${FILE}:8:16: data.values.a: expected a string value; put it in quotes to keep it as written: "007", found 007 (read by YAML as a number)`,
      `${FILE}:8:24: data.values.b: expected a string value; put it in quotes to keep it as written: "1.0", found 1.0 (read by YAML as a number)`,
      `${FILE}:8:32: data.values.c: expected a string value; put it in quotes to keep it as written: "True", found True (read by YAML as a boolean)`,
    ]);
  });

  it("sorts script ops by time, keeping ties in file order", () => {
    const scenario = parse(`strategy: local
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 5ms, op: read, key: late }
      - { at: 1ms, op: write, key: k, value: 7 }
      - { at: 1ms, op: read, key: k }
      - { at: 1.5ms, op: flush }
`);
    expect(scenario.workloads).toEqual([
      {
        kind: "script",
        nodes: ["A"],
        ops: [
          { atUs: 1_000, op: "write", key: "k", value: "7" },
          { atUs: 1_000, op: "read", key: "k" },
          { atUs: 1_500, op: "flush" },
          { atUs: 5_000, op: "read", key: "late" },
        ],
      },
    ]);
  });

  it("fills generator defaults and drives all nodes unless told otherwise", () => {
    const scenario = parse(`strategy: global
nodes: [A, B, C]
workloads:
  - generator: { rate: 100, keys: { count: 10 } }
  - node: B
    generator: { rate: 5, requests: 7, keys: { count: 3, dist: zipf, s: 1.2, prefix: "p:" }, readFraction: 1, balance: round-robin }
  - nodes: [C, A]
    generator: { rate: 1, keys: { count: 1, dist: zipf } }
`);
    expect(scenario.workloads).toEqual([
      {
        kind: "generator",
        nodes: ["A", "B", "C"],
        options: {
          ratePerSec: 100,
          requests: 0,
          keys: { count: 10, prefix: "key:", dist: "uniform" },
          mix: { read: 0.9, update: 0.09999999999999998, insert: 0, scan: 0, readModifyWrite: 0 },
          balance: "random",
          arrival: { process: "poisson" },
          valueSize: null,
          scanLength: { min: 1, max: 100 },
        },
      },
      {
        kind: "generator",
        nodes: ["B"],
        options: {
          ratePerSec: 5,
          requests: 7,
          keys: { count: 3, prefix: "p:", dist: "zipf", s: 1.2 },
          mix: { read: 1, update: 0, insert: 0, scan: 0, readModifyWrite: 0 },
          balance: "round-robin",
          arrival: { process: "poisson" },
          valueSize: null,
          scanLength: { min: 1, max: 100 },
        },
      },
      {
        kind: "generator",
        nodes: ["C", "A"],
        options: {
          ratePerSec: 1,
          requests: 0,
          keys: { count: 1, prefix: "key:", dist: "zipf", s: 0.99 },
          mix: { read: 0.9, update: 0.09999999999999998, insert: 0, scan: 0, readModifyWrite: 0 },
          balance: "random",
          arrival: { process: "poisson" },
          valueSize: null,
          scanLength: { min: 1, max: 100 },
        },
      },
    ]);
  });

  it("resolves expectations with their paths, and keeps value: null apart from no value", () => {
    const scenario = parse(`${MINIMAL}expect:
  - read: { node: A, at: 0ms, key: k }
    value: null
  - read: { node: A, at: 0ms }
    stale: false
    servedFrom: database
  - metric: stale_rate
    max: 0.01
  - metric: reads
    node: A
    min: 1
    equals: 1
`);
    expect(scenario.expectations).toEqual([
      {
        kind: "read",
        path: "expect[0]",
        node: "A",
        atUs: 0,
        key: "k",
        value: null,
        stale: undefined,
        servedFrom: undefined,
      },
      {
        kind: "read",
        path: "expect[1]",
        node: "A",
        atUs: 0,
        key: null,
        value: undefined,
        stale: false,
        servedFrom: "database",
      },
      {
        kind: "metric",
        path: "expect[2]",
        metric: "stale_rate",
        node: "total",
        min: undefined,
        max: 0.01,
        equals: undefined,
      },
      { kind: "metric", path: "expect[3]", metric: "reads", node: "A", min: 1, max: undefined, equals: 1 },
    ]);
  });

  it("lets --seed and --live override the file", () => {
    const text = `seed: 42\nbackend: memory\n${MINIMAL}`;
    expect(parse(text).seed).toBe(42);
    expect(parse(text, { seedOverride: 7 }).seed).toBe(7);
    expect(parse(text, { modeOverride: "live" }).backend.mode).toBe("live");
    expect(parse(`backend: live\n${MINIMAL}`).backend.mode).toBe("live");
    expect(lines(MINIMAL, { seedOverride: -1 })).toEqual([
      `${FILE}: --seed: expected a seed that is an integer from 0 to 9,007,199,254,740,991, found -1`,
    ]);
  });
});

describe("error messages", () => {
  it("give file, line:column, field path, what was expected and what was found", () => {
    const error = failure(`strategy: local
nodes:
  - A
  - name: B
    cache: { ttl: abc }
workloads:
  - node: A
    script: [{ at: 0ms, op: read, key: k }]
`);
    expect(error.message).toBe(
      `${FILE}:5:19: nodes[1].cache.ttl: expected a duration such as "30s", "500ms" or "250us", found "abc"`,
    );
    expect(error.problems).toEqual([
      {
        file: FILE,
        path: "nodes[1].cache.ttl",
        line: 5,
        column: 19,
        expected: 'a duration such as "30s", "500ms" or "250us"',
        found: '"abc"',
        message: 'expected a duration such as "30s", "500ms" or "250us", found "abc"',
      },
    ]);
    // A user mistake: the stack is the message, so nothing prints a trace into the loader.
    expect(error.stack).toBe(error.message);
    expect(error.name).toBe("ScenarioError");
  });

  it("name the global cache's bounds and maxmemory policy at their position", () => {
    const global = (field: string) =>
      lines(`${MINIMAL.replace("strategy: local", "strategy: global")}globalCache:\n  ${field}\n`);
    expect(global("eviction: allkeys-lr")).toEqual([
      `${FILE}:8:13: globalCache.eviction: expected one of: noeviction, allkeys-lru, allkeys-lfu, volatile-ttl, allkeys-random, found "allkeys-lr"`,
    ]);
    expect(global("eviction: { policy: noeviction, samples: 3 }")).toEqual([
      `${FILE}:8:44: globalCache.eviction.samples: expected no \`samples:\` unless \`policy: allkeys-lru\` or \`policy: allkeys-lfu\` or \`policy: volatile-ttl\`, found 3`,
    ]);
    expect(global("eviction: { policy: allkeys-lru, samples: 99 }")).toEqual([
      `${FILE}:8:45: globalCache.eviction.samples: expected an integer from 1 to 64, found 99`,
    ]);
    expect(global("capacityBytes: -1")).toEqual([
      `${FILE}:8:18: globalCache.capacityBytes: expected an integer from 0 to 1,099,511,627,776, found -1`,
    ]);
    expect(global("shards: [{ name: a, capacity: 1.5 }]")).toEqual([
      `${FILE}:8:33: globalCache.shards[0].capacity: expected an integer from 0 to 1,000,000,000, found 1.5`,
    ]);
  });

  it("name an unknown field at its own position and list the known ones", () => {
    expect(lines(MINIMAL.replace("nodes: [A]", "nodes:\n  - name: A\n    cache: { tll: 3s }"))).toEqual([
      `${FILE}:4:14: nodes[0].cache: unknown field "tll" (expected one of: capacity, capacityBytes, ttl, eviction)`,
    ]);
    expect(lines(`${MINIMAL}colour: blue\n`)).toEqual([
      `${FILE}:7:1: unknown field "colour" (expected one of: name, description, seed, duration, strategy, defaults, nodes, globalCache, data, workloads, expect, report, limits, backend, sweep, faults, mitigations, database)`,
    ]);
  });

  it("report every problem, in file order", () => {
    expect(
      lines(`strategy: nope
seed: -1
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 1x, op: read, key: k }
      - { at: 1ms, op: jump }
report: { trace: sometimes }
`),
    ).toEqual([
      `${FILE}:1:11: strategy: expected one of: local, global, or a mapping with fields: read, write, near, fill, found "nope"`,
      `${FILE}:2:7: seed: expected an integer from 0 to 9,007,199,254,740,991, found -1`,
      `${FILE}:7:15: workloads[0].script[0].at: expected a duration such as "30s", "500ms" or "250us", found "1x"`,
      `${FILE}:8:24: workloads[0].script[1].op: expected one of: read, write, flush, found "jump"`,
      `${FILE}:9:18: report.trace: expected one of: auto, always, never, found "sometimes"`,
    ]);
  });

  it("stop listing after 20 problems and say how many more there are", () => {
    const ops = Array.from({ length: 25 }, () => "      - { at: bad, op: flush }").join("\n");
    const out = lines(`strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n${ops}\n`);
    expect(out).toHaveLength(21);
    expect(out[20]).toBe("...and 5 more problems");
    expect(
      failure(`strategy: local\nnodes: [A]\nworkloads:\n  - node: A\n    script:\n${ops}\n`).problems,
    ).toHaveLength(25);
  });

  it("say when a required field is missing, pointing at its parent", () => {
    expect(lines("nodes: [A]\nworkloads:\n  - node: A\n    script:\n      - { op: read, key: k }\n")).toEqual(
      [
        `${FILE}:1:1: strategy: expected one of: local, global, or a mapping with fields: read, write, near, fill, found nothing`,
        `${FILE}:5:9: workloads[0].script[0].at: expected a duration such as "30s", "500ms" or "250us", found nothing`,
      ],
    );
  });

  it("point YAML syntax errors at their line and column", () => {
    const out = lines("strategy: local\nnodes: [A,\nworkloads: []\n");
    expect(out.length).toBeGreaterThan(0);
    expect(out[0]).toMatch(/^scenarios\/x\.yaml:3:1: invalid YAML: /);
    expect(lines("strategy: local\nstrategy: global\nnodes: [A]\n")).toEqual([
      `${FILE}:2:1: strategy: expected each key once in a mapping, found "strategy" again (first on line 1)`,
    ]);
    expect(lines("strategy: local\n---\nnodes: [A]\n")).toEqual([
      `${FILE}:2:1: invalid YAML: a scenario file holds one YAML document, but this one has a second \`---\``,
    ]);
  });

  it("refuse an empty file or a file that is not a mapping", () => {
    expect(lines("")[0]).toMatch(
      /^scenarios\/x\.yaml:1:1: expected a mapping with fields: name, .*, found an empty file$/,
    );
    expect(lines("- a\n- b\n")[0]).toMatch(/found a list of 2 items$/);
  });

  it("refuse alias bombs", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`,
      ),
    ].join("\n");
    expect(lines(`${MINIMAL}${bomb}\n`)[0]).toMatch(/invalid YAML: .*alias/i);
  });
});

describe("cross-field checks", () => {
  const nodesAB = (rest: string) => `strategy: local\nduration: 100ms\nnodes: [A, B]\n${rest}`;
  const scriptA =
    "workloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }, { at: 10ms, op: read, key: j }]\n";

  it("node names are unique and not the reserved `total`", () => {
    expect(lines(`strategy: local\nnodes: [A, B, A, total]\n${scriptA}`)).toEqual([
      `${FILE}:2:15: nodes[2]: expected a unique node name, found "A" (also nodes[0])`,
      `${FILE}:2:18: nodes[3]: expected a node name other than "total" (metric expectations use it for all nodes), found "total"`,
    ]);
    expect(lines(`strategy: local\nnodes: [A, { name: A }]\n${scriptA}`)).toEqual([
      `${FILE}:2:20: nodes[1].name: expected a unique node name, found "A" (also nodes[0])`,
    ]);
  });

  it("shard names are unique", () => {
    expect(lines(`${MINIMAL}globalCache: { shards: [s, { name: s }] }\n`)).toEqual([
      `${FILE}:7:36: globalCache.shards[1].name: expected a unique shard name, found "s" (also globalCache.shards[0])`,
    ]);
  });

  it("workload nodes exist, are listed once, and come from `node:` or `nodes:`, not both", () => {
    expect(
      lines(
        nodesAB(`workloads:
  - node: Z
    script: [{ at: 0ms, op: flush }]
  - nodes: [A, A, Q]
    generator: { rate: 1, keys: { count: 1 } }
  - node: A
    nodes: [B]
    generator: { rate: 1, keys: { count: 1 } }
  - node: Y
    generator: { rate: 1, keys: { count: 1 } }
`),
      ),
    ).toEqual([
      `${FILE}:5:11: workloads[0].node: expected one of the nodes: A, B, found "Z"`,
      `${FILE}:7:16: workloads[1].nodes[1]: expected each node listed once, found "A"`,
      `${FILE}:7:19: workloads[1].nodes[2]: expected one of the nodes: A, B, found "Q"`,
      `${FILE}:10:12: workloads[2].nodes: expected either \`node:\` or \`nodes:\`, not both, found a list of 1 item`,
      `${FILE}:12:11: workloads[3].node: expected one of the nodes: A, B, found "Y"`,
    ]);
  });

  it("a script op must start before the end of the run", () => {
    expect(lines(nodesAB("workloads:\n  - node: A\n    script: [{ at: 100ms, op: flush }]\n"))).toEqual([
      `${FILE}:6:20: workloads[0].script[0].at: expected a time before the end of the run (duration: 100ms), found "100ms": the op would never run`,
    ]);
  });

  it("write needs a value, read needs a key, flush takes neither", () => {
    expect(
      lines(
        nodesAB(`workloads:
  - node: A
    script:
      - { at: 0ms, op: write, key: k }
      - { at: 0ms, op: read }
      - { at: 0ms, op: flush, key: k, value: v }
`),
      ),
    ).toEqual([
      `${FILE}:7:9: workloads[0].script[0].value: expected a string of at most 65,536 characters, found nothing`,
      `${FILE}:8:9: workloads[0].script[1].key: expected a non-empty string of at most 65,536 characters, found nothing`,
      `${FILE}:9:31: workloads[0].script[2]: unknown field "key" (expected one of: at, op)`,
      `${FILE}:9:39: workloads[0].script[2]: unknown field "value" (expected one of: at, op)`,
    ]);
  });

  it("a workload is a script or a generator, not both or neither", () => {
    expect(
      lines(
        nodesAB(`workloads:
  - node: A
    script: [{ at: 0ms, op: flush }]
    generator: { rate: 1, keys: { count: 1 } }
  - node: A
`),
      ),
    ).toEqual([
      `${FILE}:5:5: workloads[0]: expected either \`script:\` or \`generator:\` in one workload, not both, found a mapping { node, script, generator }`,
      `${FILE}:8:5: workloads[1]: expected a workload: { node, script: [...] } or { nodes, generator: {...} } (one of \`script:\`, \`generator:\`, \`ycsb:\`, \`trace:\`), found a mapping { node }`,
    ]);
  });

  it("there is something to do", () => {
    expect(lines("strategy: local\nnodes: [A]\n")).toEqual([
      `${FILE}:1:1: workloads: nothing to do: expected at least one workload (a script, generator, ycsb or trace), found none`,
    ]);
    expect(lines("strategy: local\nnodes: [A]\nworkloads: []\n")).toEqual([
      `${FILE}:3:12: workloads: nothing to do: expected at least one workload (a script, generator, ycsb or trace), found none`,
    ]);
  });

  it("`s:` only with zipf keys", () => {
    expect(lines(nodesAB("workloads:\n  - generator: { rate: 1, keys: { count: 1, s: 1.1 } }\n"))).toEqual([
      `${FILE}:5:48: workloads[0].generator.keys.s: expected no \`s:\` unless \`dist: zipf\` or \`dist: latest\`, found 1.1`,
    ]);
  });

  it("read expectations name an existing node, say what to check, and match a scripted read", () => {
    expect(
      lines(
        nodesAB(`${scriptA}expect:
  - read: { node: Z, at: 0ms }
    value: x
  - read: { node: A, at: 0ms }
  - read: { node: A, at: 5ms }
    value: x
  - read: { node: A, at: 10ms, key: k }
    value: x
  - read: { node: B, at: 0ms }
    value: x
  - read: { node: A, at: 200ms }
    value: x
`),
      ),
    ).toEqual([
      `${FILE}:8:19: expect[0].read.node: expected one of the nodes: A, B, found "Z"`,
      `${FILE}:10:5: expect[1]: expected at least one of \`value:\`, \`stale:\` or \`servedFrom:\` next to \`read:\`, found a mapping { read }`,
      `${FILE}:11:26: expect[2].read.at: expected a time at which A begins a read (0s, 10ms), found "5ms"`,
      `${FILE}:13:37: expect[3].read.key: expected a key that A reads at 10ms (j), found "k"`,
      `${FILE}:15:26: expect[4].read.at: expected a read that B begins, but no script reads on B, found "0ms"`,
      `${FILE}:17:26: expect[5].read.at: expected a time before the end of the run (duration: 100ms), found "200ms": no read begins then`,
    ]);
  });

  it("a read expectation without a key must pick out one read", () => {
    const script =
      "workloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }, { at: 0ms, op: read, key: j }]\n";
    expect(lines(nodesAB(`${script}expect:\n  - read: { node: A, at: 0ms }\n    value: x\n`))).toEqual([
      `${FILE}:8:11: expect[0].read.key: expected a key to say which of the 2 reads A begins at 0s is meant, found nothing`,
    ]);
  });

  it("does not second-guess read expectations on nodes a generator drives", () => {
    const text = nodesAB(
      "workloads:\n  - generator: { rate: 1000, keys: { count: 1 } }\nexpect:\n  - read: { node: A, at: 5ms }\n    value: x\n",
    );
    expect(parse(text).expectations).toHaveLength(1);
  });

  it("metric expectations name a known metric and node, and a consistent range", () => {
    expect(
      lines(
        nodesAB(`${scriptA}expect:
  - metric: hit_ratio
    max: 1
  - metric: reads
  - metric: reads
    node: Z
    equals: 1
  - metric: reads
    min: 3
    max: 1
`),
      ),
    ).toEqual([
      `${FILE}:8:13: expect[0].metric: expected one of: reads, stale_reads, stale_rate, found "hit_ratio"`,
    ]);
    expect(
      lines(
        nodesAB(`${scriptA}expect:
  - metric: reads
  - metric: reads
    node: Z
    equals: 1
  - metric: reads
    min: 3
    max: 1
`),
      ),
    ).toEqual([
      `${FILE}:8:5: expect[0]: expected at least one of \`min:\`, \`max:\` or \`equals:\`, found a mapping { metric }`,
      `${FILE}:10:11: expect[1].node: expected "total" or one of the nodes: A, B, found "Z"`,
      `${FILE}:14:10: expect[2].max: expected a max no smaller than min (3), found 1`,
    ]);
  });

  it("an expectation is a read or a metric", () => {
    expect(lines(`${MINIMAL}expect:\n  - value: x\n`)[0]).toBe(
      `${FILE}:8:5: expect[0]: expected an expectation: { read: { node, at, key }, value / stale / servedFrom } or { metric, node, min / max / equals }, found a mapping { value }`,
    );
  });

  it("unknown strategy, eviction and metric names list the valid ones", () => {
    expect(lines(MINIMAL.replace("local", "lokal"))).toEqual([
      `${FILE}:1:11: strategy: expected one of: local, global, or a mapping with fields: read, write, near, fill, found "lokal"`,
    ]);
    expect(lines(`defaults: { cache: { eviction: lfu } }\n${MINIMAL}`)).toEqual([
      `${FILE}:1:32: defaults.cache.eviction: expected one of: lru, found "lfu"`,
    ]);
    expect(lines(MINIMAL, { knownEvictions: ["fifo"] })).toEqual([
      `${FILE}:2:9: nodes[0].cache.eviction: expected one of: fifo, found "lru" (the built-in default)`,
    ]);
  });

  it("checks each file against the names given with it, though the schema is kept between parses", () => {
    const lfu = `defaults: { cache: { eviction: lfu } }\n${MINIMAL}`;
    const refused = [`${FILE}:1:32: defaults.cache.eviction: expected one of: lru, found "lfu"`];
    expect(lines(lfu)).toEqual(refused);
    expect(parse(lfu, { knownEvictions: ["lru", "lfu"] }).nodes[0]?.cache.eviction).toBe("lfu");
    expect(lines(lfu)).toEqual(refused);
  });
});

describe("limits", () => {
  it("cap the number of nodes", () => {
    const many = Array.from({ length: LIMITS.nodes + 1 }, (_, i) => `n${i}`).join(", ");
    expect(lines(MINIMAL.replace("nodes: [A]", `nodes: [A, ${many}]`))[0]).toMatch(
      /^scenarios\/x\.yaml:2:8: nodes: expected a list of 1 to 1000 nodes, found a list of 1002 items$/,
    );
    expect(lines(MINIMAL.replace("nodes: [A]", "nodes: []"))[0]).toMatch(
      /nodes: expected a list of 1 to 1000 nodes/,
    );
  });

  it("cap key counts, rates, events, fill sizes and durations", () => {
    expect(
      lines(`strategy: local
duration: 9000h
nodes: [A]
workloads:
  - generator: { rate: 1e9, keys: { count: 10000001 } }
data: { fill: { count: 20000000 } }
limits: { events: 1e11, traceRows: -1 }
`),
    ).toEqual([
      `${FILE}:2:11: duration: expected a duration of at most 8784h, found "9000h"`,
      `${FILE}:5:24: workloads[0].generator.rate: expected a number greater than 0 and at most 100,000,000, found 1000000000`,
      `${FILE}:5:44: workloads[0].generator.keys.count: expected an integer from 1 to 10,000,000, found 10000001`,
      `${FILE}:6:24: data.fill.count: expected an integer from 0 to 10,000,000, found 20000000`,
      `${FILE}:7:19: limits.events: expected an integer from 1 to 10,000,000,000, found 100000000000`,
      `${FILE}:7:36: limits.traceRows: expected an integer from 0 to 10,000,000, found -1`,
    ]);
  });

  it("cap timeseries rows: intervals × (nodes + total)", () => {
    expect(lines(`duration: 10s\nreport: { interval: 1us }\n${MINIMAL}`)).toEqual([
      `${FILE}:2:21: report.interval: expected an interval of at least 20us (at most 1,000,000 timeseries rows, 2 per interval, over the 10s run), found "1us"`,
    ]);
    // 100,000 intervals are fine for one node (200,000 rows) but not for 999 (100,000,000 rows).
    expect(parse(`duration: 10s\nreport: { interval: 100us }\n${MINIMAL}`).report.intervalUs).toBe(100);
    const manyNodes = MINIMAL.replace(
      "nodes: [A]",
      `nodes: [A, ${Array.from({ length: 998 }, (_, i) => `n${i}`).join(", ")}]`,
    );
    expect(lines(`duration: 10s\nreport: { interval: 100us }\n${manyNodes}`)).toEqual([
      `${FILE}:2:21: report.interval: expected an interval of at least 10ms (at most 1,000,000 timeseries rows, 1000 per interval, over the 10s run), found "100us"`,
    ]);
  });

  it("refuse zero where a duration must be positive", () => {
    expect(lines(`duration: 0\nreport: { interval: 0ms }\n${MINIMAL}`)).toEqual([
      `${FILE}:1:11: duration: expected a duration greater than 0, such as "30s", found 0`,
      `${FILE}:2:21: report.interval: expected a duration greater than 0, such as "30s", found "0ms"`,
    ]);
  });

  it("refuse oversized text before parsing it", () => {
    const error = failure(`${MINIMAL}#${"x".repeat(LIMITS.fileBytes)}`);
    expect(error.message).toMatch(
      new RegExp(
        `^scenarios/x\\.yaml: expected a scenario file of at most ${formatCount(LIMITS.fileBytes)} bytes, found`,
      ),
    );
  });
});

describe("plugins: a bare name or a mapping of selector plus options, checked by the plugin's own schema", () => {
  const withStrategy = (strategy: string) => MINIMAL.replace("strategy: local", `strategy: ${strategy}`);

  it("composes a strategy from its slots, filling left-out slots and options from their defaults", () => {
    const { strategy } = parse(
      withStrategy("{ read: cache-aside, write: { name: write-behind, delay: 50ms } }"),
    );
    expect(strategy).toEqual({
      name: "custom",
      read: { name: "cache-aside", options: {} },
      write: {
        name: "write-behind",
        options: STRATEGY_SLOTS.write.get("write-behind").options.parse({ delay: "50ms" }),
      },
      near: { name: "ttl", options: {} },
      fill: { name: "none", options: {} },
    });
    expect(parse(MINIMAL).strategy).toEqual(presetChoice("local"));
  });

  it("names the slot, the plugin's own options and the registry's names in its errors", () => {
    expect(lines(withStrategy("{ write: { name: write-behind, dely: 5ms } }"))).toEqual([
      `${FILE}:1:42: strategy.write: unknown field "dely" (expected one of: delay, batch)`,
    ]);
    expect(lines(withStrategy("{ write: { name: write-behind, delay: soon } }"))[0]).toBe(
      `${FILE}:1:49: strategy.write.delay: expected a duration such as "30s", "500ms" or "250us", found "soon"`,
    );
    expect(lines(withStrategy("{ read: read-thru }"))[0]).toBe(
      `${FILE}:1:19: strategy.read: expected one of: ${STRATEGY_SLOTS.read.names().join(", ")}, or a mapping { name, …options }, found "read-thru"`,
    );
    expect(lines(withStrategy("{ fill: { name: leases } }"))[0]).toBe(
      `${FILE}:1:27: strategy.fill.name: expected one of: ${STRATEGY_SLOTS.fill.names().join(", ")}, found "leases"`,
    );
    expect(lines(withStrategy("{ raed: cache-aside }"))[0]).toBe(
      `${FILE}:1:13: strategy: unknown field "raed" (expected one of: read, write, near, fill)`,
    );
  });

  it("refuses a combination the catalogue refuses, at the slot it concerns", () => {
    expect(lines(withStrategy("{ read: database, write: write-through }"))).toEqual([
      `${FILE}:1:36: strategy.write: expected a valid combination: read: database (no global tier) goes only with write: write-around and fill: none, found "write-through"`,
    ]);
  });
});

describe("per-strategy defaults and fields without effect", () => {
  it("gives nodes a local cache by default under local, and none (opt-in near cache) over a global tier", () => {
    expect(parse(MINIMAL).nodes[0]?.cache.capacity).toBe(1000);
    const global = parse(MINIMAL.replace("strategy: local", "strategy: global"));
    expect(global.nodes[0]?.cache.capacity).toBe(0);
    const near = parse(
      MINIMAL.replace("strategy: local", "strategy: global").replace(
        "nodes: [A]",
        "nodes: [{ name: A, cache: { capacity: 10 } }]",
      ),
    );
    expect(near.nodes[0]?.cache.capacity).toBe(10);
  });

  it("warns (and still loads) about fields the chosen strategy never reads", () => {
    const warnings: string[] = [];
    const text = MINIMAL.replace(
      "nodes: [A]",
      "nodes:\n  - name: A\n    network: { cache: 1ms }\nglobalCache: { ttl: 5s }",
    );
    parse(text, { onWarning: (w) => warnings.push(formatProblem(w)) });
    expect(warnings).toEqual([
      `${FILE}:5:14: globalCache: has no effect under strategy local, which has no global cache`,
      `${FILE}:4:23: nodes[0].network.cache: has no effect under strategy local, which has no global cache`,
    ]);
    const global: string[] = [];
    parse(
      MINIMAL.replace("strategy: local", "strategy: global").replace(
        "nodes: [A]",
        "nodes: [{ name: A, cache: { ttl: 5s } }]",
      ),
      { onWarning: (w) => global.push(formatProblem(w)) },
    );
    expect(global).toEqual([
      `${FILE}:2:34: nodes[0].cache.ttl: has no effect: this node has no local cache (capacity 0)`,
    ]);
  });

  it("warns about a maxmemory policy when no shard is bounded, and not when one is", () => {
    const global = MINIMAL.replace("strategy: local", "strategy: global");
    const warnings = (globalCache: string) => {
      const seen: string[] = [];
      parse(`${global}globalCache: ${globalCache}\n`, { onWarning: (w) => seen.push(formatProblem(w)) });
      return seen;
    };
    expect(warnings("{ eviction: allkeys-lru }")).toEqual([
      `${FILE}:7:26: globalCache.eviction: has no effect: no shard is bounded (set globalCache.capacity or capacityBytes)`,
    ]);
    expect(warnings("{ eviction: allkeys-lru, shards: [a, { name: b, capacity: 10 }] }")).toEqual([]);
  });
});

describe("hostile and heavy input", () => {
  it("refuses keys that become the same text once YAML has typed them, instead of crashing the database", () => {
    const withValues = (values: string) => `${MINIMAL}data:\n  values: ${values}\n`;
    expect(lines(withValues('{ 1: a, "1": b }'))).toEqual([
      `${FILE}:8:19: data.values["1"]: expected each key once in a mapping, found "1" again (first on line 8)`,
    ]);
    expect(lines(withValues('{ true: a, "true": b }'))).toEqual([
      `${FILE}:8:22: data.values.true: expected each key once in a mapping, found "true" again (first on line 8)`,
    ]);
    expect(lines(withValues("{ &k foo: a, *k : b }"))).toEqual([
      `${FILE}:8:24: data.values.foo: expected each key once in a mapping, found "foo" again (first on line 8)`,
    ]);
    expect(lines(withValues("{ 0x1: a, 1: b }"))[0]).toMatch(/data\.values\["1"\]: expected each key once/);
  });

  it("refuses YAML nested thousands deep with one line, not a stack overflow", () => {
    const deep = `${MINIMAL}description: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`;
    const out = lines(deep);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^scenarios\/x\.yaml:7:\d+: invalid YAML: nested more than 64 levels deep/);
    // Deep enough to refuse, shallow enough for the YAML parser: the tree walk refuses it.
    const hundred = `${MINIMAL}description: ${"[".repeat(100)}${"]".repeat(100)}\n`;
    expect(lines(hundred)).toEqual([
      `${FILE}:7:77: description${"[0]".repeat(63)}: invalid YAML: nested more than 64 levels deep (aliases included)`,
    ]);
  });

  it("counts values as aliases expand them, and refuses a file that multiplies itself", () => {
    // No anchor is used more than 99 times, yet the file stands for 800,000 script ops.
    const block = Array.from({ length: 1000 }, (_, i) => `    - { at: 0ms, op: read, key: k${i} }`).join(
      "\n",
    );
    const uses = (anchor: string, n: number, indent: string) =>
      Array.from({ length: n }, () => `${indent}- *${anchor}`).join("\n");
    const text = `strategy: local\nnodes: [A]\nx:\n  - &ops\n${block}\n  - &many\n${uses("ops", 99, "    ")}\nworkloads:\n${Array.from({ length: 8 }, () => "  - node: A\n    script: *many").join("\n")}\n`;
    const out = lines(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/: invalid YAML: more than 2,500,000 values once aliases are expanded$/);
    expect(lines(`${MINIMAL}description: &a [*a]\n`)[0]).toMatch(/invalid YAML: alias \*a /);
  });

  it("stops collecting problems well before an error-dense file takes minutes, and counts the rest", () => {
    const fields = Array.from({ length: 5_000 }, (_, i) => `  f${i}: 1`).join("\n");
    const error = failure(`${MINIMAL}report:\n${fields}\n`);
    expect(error.problems).toHaveLength(MAX_PROBLEMS_COLLECTED);
    const out = error.message.split("\n");
    expect(out).toHaveLength(21);
    expect(out[0]).toBe(`${FILE}:8:3: report: unknown field "f0" (expected one of: interval, trace)`);
    expect(out[20]).toBe("...and 4980 more problems");
  });

  it("quotes names from the file escaped and cut short", () => {
    const nul = "\\0".repeat(3000);
    const out = lines(`${MINIMAL}report: { "${nul}": 1 }\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(
      `${FILE}:7:11: report: unknown field "${"\\u0000".repeat(40)}..." (expected one of: interval, trace)`,
    );
    expect(out[0]?.length).toBeLessThan(400);
    expect(out[0]).not.toContain("\u0000");
  });

  it("keeps a key named __proto__ an ordinary (unknown) field", () => {
    expect(lines(`${MINIMAL}report: { __proto__: { trace: never } }\n`)).toEqual([
      `${FILE}:7:11: report: unknown field "__proto__" (expected one of: interval, trace)`,
    ]);
  });

  it("bounds the consistent-hash ring (shards x ringPoints)", () => {
    const shards = Array.from({ length: 1024 }, (_, i) => `s${i}`).join(", ");
    const text = `strategy: global\nnodes: [A]\nglobalCache:\n  ringPoints: 10000\n  shards: [${shards}]\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n`;
    expect(lines(text)).toEqual([
      `${FILE}:4:15: globalCache.ringPoints: expected at most 100,000 ring points in all (shards x ringPoints); with 1024 shards, ringPoints of at most 97, found 10000`,
    ]);
    expect(parse(text.replace("ringPoints: 10000", "ringPoints: 97")).globalCache.ringPoints).toBe(97);
  });

  it("refuses a uniform latency whose max is below its min", () => {
    expect(
      lines(
        MINIMAL.replace(
          "nodes: [A]",
          "nodes:\n  - name: A\n    network: { database: { dist: uniform, min: 5ms, max: 1ms } }",
        ),
      ),
    ).toEqual([
      `${FILE}:4:58: nodes[0].network.database.max: expected a max no smaller than min (5ms), found "1ms"`,
    ]);
  });
});

describe("loadScenario", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file, naming the scenario after it", () => {
    const file = path.join(dir, "from-disk.yaml");
    writeFileSync(file, `# A test scenario.\n${MINIMAL}`);
    const scenario = loadScenario(file, OPTIONS);
    expect(scenario.file).toBe(file);
    expect(scenario.name).toBe("from-disk");
  });

  it("reports a missing file or a directory as a ScenarioError", () => {
    const missing = path.join(dir, "nope.yaml");
    expect(() => loadScenario(missing, OPTIONS)).toThrow(ScenarioError);
    expect(() => loadScenario(missing, OPTIONS)).toThrow(`${missing}: no such file`);
    expect(() => loadScenario(dir, OPTIONS)).toThrow(
      `${dir}: cannot read the scenario: it is a directory, not a file`,
    );
  });

  it("refuses devices and pipes instead of reading them without bound (or waiting forever)", () => {
    const notAFile = "cannot read the scenario: it is not a regular file (a device, pipe or socket)";
    expect(() => loadScenario("/dev/zero", OPTIONS)).toThrow(`/dev/zero: ${notAFile}`);
    expect(() => loadScenario("/dev/urandom", OPTIONS)).toThrow(`/dev/urandom: ${notAFile}`);
    const fifo = path.join(dir, "pipe.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(() => loadScenario(fifo, OPTIONS)).toThrow(`${fifo}: ${notAFile}`);
  });

  it("gives positions in the file for problems found on disk", () => {
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, `\n\n${MINIMAL.replace("nodes: [A]", "nodes: [A]\nseed: x")}`);
    expect(() => loadScenario(file, OPTIONS)).toThrow(`${file}:5:7: seed: expected an integer`);
  });
});
