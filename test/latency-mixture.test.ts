// Guards the mixture latency model: each hop from one component chosen by the weights (relative, any
// positive numbers), one choice draw then the component's own draws from the link's one stream, any
// model as a component (an empirical file or another mixture, nested at most LIMITS.mixtureDepth deep),
// and clear file:line errors for a bad weight, an unknown field and a bad component.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { latencySampler } from "../sim/model/latency.ts";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { loadScenario, parseScenario } from "../sim/scenario/load.ts";
import type { Scenario } from "../sim/sections/registry.ts";
import { formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import { LIMITS } from "../sim/spec/limits.ts";
import type { LatencyModel } from "../sim/spec/types.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-mixture-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FILE = "scenarios/x.yaml";
const FIELD = "nodes[0].network.database";
const text = (model: string) =>
  `strategy: local\nnodes:\n  - { name: A, network: { database: ${model} } }\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n`;

function load(model: string): Scenario | string[] {
  try {
    return parseScenario(text(model), FILE, knownNames());
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems.map(formatProblem);
    throw error;
  }
}

/** The problems loading `model` gives (none: an empty list). */
const problems = (model: string): string[] => {
  const loaded = load(model);
  return Array.isArray(loaded) ? loaded : [];
};

function model(written: string): LatencyModel {
  const loaded = load(written);
  if (Array.isArray(loaded)) throw new Error(loaded.join("\n"));
  return (loaded.nodes[0] as Scenario["nodes"][number]).network.database;
}

const FAST_SLOW =
  "{ dist: mixture, of: [ { weight: 0.99, dist: constant, value: 200us }, { weight: 0.01, dist: pareto, min: 20ms, alpha: 1.5 } ] }";

describe("mixture", () => {
  it("resolves each component as its own model, keeping the weights as written", () => {
    expect(model(FAST_SLOW)).toEqual({
      dist: "mixture",
      weights: [0.99, 0.01],
      of: [
        { dist: "constant", valueUs: 200 },
        { dist: "pareto", minUs: 20_000, alpha: 1.5 },
      ],
    });
  });

  it("takes each component in the share its weight is of all the weights (0.99 : 0.01 or 99 : 1)", () => {
    const n = 200_000;
    const share = 0.01;
    for (const weights of [
      [0.99, 0.01],
      [99, 1],
    ]) {
      const m = model(
        `{ dist: mixture, of: [ { weight: ${weights[0]}, dist: constant, value: 200us }, { weight: ${weights[1]}, dist: constant, value: 20ms } ] }`,
      );
      const sample = latencySampler(m, new RngStreams(3).stream("link:A:database"));
      const xs = Array.from({ length: n }, sample);
      expect(new Set(xs)).toEqual(new Set([200, 20_000]));
      const slow = xs.filter((x) => x === 20_000).length / n;
      expect(Math.abs(slow - share), `${weights}`).toBeLessThan(4 * Math.sqrt((share * (1 - share)) / n));
    }
  });

  it("draws once to choose, then lets the chosen component draw, all from the link's one stream", () => {
    const m = model(
      "{ dist: mixture, of: [ { weight: 3, dist: uniform, min: 0us, max: 999us }, { weight: 1, dist: exponential, mean: 5ms } ] }",
    );
    const sample = latencySampler(m, new RngStreams(11).stream("link:A:database"));
    // The same arithmetic by hand, on a second copy of the same stream.
    const replica = new RngStreams(11).stream("link:A:database");
    const components = (m.of as LatencyModel[]).map((c) => latencySampler(c, replica));
    for (let i = 0; i < 10_000; i++) {
      const chosen = replica.next() * 4 < 3 ? 0 : 1;
      expect(sample()).toBe((components[chosen] as () => number)());
    }
    const again = latencySampler(m, new RngStreams(11).stream("link:A:database"));
    const other = latencySampler(m, new RngStreams(12).stream("link:A:database"));
    const first = Array.from({ length: 100 }, again);
    expect(latencySampler(m, new RngStreams(11).stream("link:A:database"))()).toBe(first[0]);
    expect(Array.from({ length: 100 }, other)).not.toEqual(first);
  });

  it("takes any model as a component: an empirical file from the scenario's folder, a mixture", () => {
    const dir = path.join(tmp, "with-file");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "slow.csv"), "value_us,count\n20000,3\n40000,1\n");
    const file = path.join(dir, "s.yaml");
    writeFileSync(
      file,
      text(
        "{ dist: mixture, of: [ { weight: 9, dist: mixture, of: [ { weight: 1, dist: constant, value: 1ms } ] }, { weight: 1, dist: empirical, file: slow.csv } ] }",
      ),
    );
    const loaded = loadScenario(file, knownNames());
    expect(loaded.nodes[0]?.network.database).toEqual({
      dist: "mixture",
      weights: [9, 1],
      of: [
        { dist: "mixture", weights: [1], of: [{ dist: "constant", valueUs: 1_000 }] },
        { dist: "empirical", valuesUs: [20_000, 40_000], counts: [3, 1] },
      ],
    });
  });

  it(`nests mixtures at most ${LIMITS.mixtureDepth} deep`, () => {
    const nested = (depth: number): string =>
      depth === 0
        ? "{ weight: 1, dist: constant, value: 1ms }"
        : `{ weight: 1, dist: mixture, of: [ ${nested(depth - 1)} ] }`;
    const outer = (depth: number) => `{ dist: mixture, of: [ ${nested(depth - 1)} ] }`;
    expect(Array.isArray(load(outer(LIMITS.mixtureDepth)))).toBe(false);
    expect(load(outer(LIMITS.mixtureDepth + 1))).toEqual([
      `${FILE}:3:58: ${FIELD}.of: expected mixtures nested at most ${LIMITS.mixtureDepth} deep (these are ${LIMITS.mixtureDepth + 1}), found a list of 1 item`,
    ]);
  });

  it("refuses a bad weight, an unknown field, a bad component and an empty list, with file:line", () => {
    expect(
      load(
        "{ dist: mixture, of: [ { weight: 0, dist: constant, value: 1ms }, { dist: constant, value: 2ms } ] }",
      ),
    ).toEqual([
      `${FILE}:3:70: ${FIELD}.of[0].weight: expected a weight greater than 0 (at most 1,000,000,000); a component's share is its weight over the sum of all the weights, found 0`,
      `${FILE}:3:103: ${FIELD}.of[1].weight: expected a weight greater than 0 (at most 1,000,000,000); a component's share is its weight over the sum of all the weights, found nothing`,
    ]);
    expect(load("{ dist: mixture, of: [ { weight: -1, dist: normal, mean: 1ms, sd: 1ms } ] }")).toEqual([
      `${FILE}:3:60: ${FIELD}.of[0].stddev: expected a duration such as "30s", "500ms" or "250us", found nothing`,
      `${FILE}:3:70: ${FIELD}.of[0].weight: expected a weight greater than 0 (at most 1,000,000,000); a component's share is its weight over the sum of all the weights, found -1`,
      `${FILE}:3:99: ${FIELD}.of[0]: unknown field "sd" (expected one of: weight, dist, mean, stddev)`,
    ]);
    expect(
      load("{ dist: mixture, of: [ { weight: 1, dist: constant, value: 1ms } ], weights: [1] }"),
    ).toEqual([`${FILE}:3:105: ${FIELD}: unknown field "weights" (expected one of: dist, of)`]);
    expect(load("{ dist: mixture, of: [ 1ms ] }")).toEqual([
      `${FILE}:3:60: ${FIELD}.of[0]: expected a component such as { weight: 0.99, dist: constant, value: 200us }, found "1ms"`,
    ]);
    expect(problems("{ dist: mixture, of: [ { weight: 1, dist: gamma } ] }")[0]).toMatch(
      /:3:79: nodes\[0\]\.network\.database\.of\[0\]\.dist: expected one of: constant, .*, mixture, found "gamma"$/,
    );
    expect(load("{ dist: mixture, of: [] }")).toEqual([
      `${FILE}:3:58: ${FIELD}.of: expected a list of 1 to ${LIMITS.mixtureComponents} components such as { weight: 0.99, dist: constant, value: 200us }, found a list of 0 items`,
    ]);
    expect(
      problems("{ dist: mixture, of: [ { weight: 1, dist: empirical, file: no-such.csv } ] }")[0],
    ).toMatch(
      /:3:96: nodes\[0\]\.network\.database\.of\[0\]\.file: expected a file of latencies \(there is no .*no-such\.csv\), found "no-such\.csv"$/,
    );
  });
});
