// Guards the latency models: whole non-negative microseconds, the stated centres, constant 0 allowed; each a plugin that owns its options, composed by the loader from the registry.
import { describe, expect, it } from "vitest";
import { RngStreams } from "../sim/core/rng.ts";
import { latencyField, optionFields } from "../sim/model/latency/field.ts";
import type { LatencyModelPlugin } from "../sim/model/latency/latencyModel.ts";
import { latencyModels } from "../sim/model/latency/registry.ts";
import { latencySampler } from "../sim/model/latency.ts";
import { duration, strict } from "../sim/plugin/options.ts";
import { Registry } from "../sim/plugin/registry.ts";
import { parseScenario } from "../sim/scenario/load.ts";
import { formatProblem, ScenarioError } from "../sim/spec/errors.ts";
import type { LatencyModel } from "../sim/spec/types.ts";

const samples = (model: LatencyModel, n = 50_000) => {
  const s = latencySampler(model, new RngStreams(5).stream("link"));
  return Array.from({ length: n }, () => s());
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

describe("latency models", () => {
  it("constant gives exactly its value, including 0", () => {
    expect(new Set(samples({ dist: "constant", valueUs: 500 }, 100))).toEqual(new Set([500]));
    expect(new Set(samples({ dist: "constant", valueUs: 0 }, 100))).toEqual(new Set([0]));
  });

  it("uniform stays within [min, max] and reaches both", () => {
    const xs = samples({ dist: "uniform", minUs: 100, maxUs: 110 });
    expect(Math.min(...xs)).toBe(100);
    expect(Math.max(...xs)).toBe(110);
  });

  it("normal is truncated at 0 and centred on its mean", () => {
    const xs = samples({ dist: "normal", meanUs: 1000, stddevUs: 100 });
    expect(Math.abs(mean(xs) - 1000)).toBeLessThan(5);
    expect(Math.min(...samples({ dist: "normal", meanUs: 10, stddevUs: 100 }))).toBe(0);
  });

  it("lognormal has the stated median and exponential the stated mean (within 2 %)", () => {
    expect(Math.abs(median(samples({ dist: "lognormal", medianUs: 2000, sigma: 0.5 })) - 2000)).toBeLessThan(
      40,
    );
    expect(Math.abs(mean(samples({ dist: "exponential", meanUs: 1000 })) - 1000)).toBeLessThan(20);
  });

  it("pareto never goes below min and has the stated quantiles: x = min / (1 - q)^(1/alpha)", () => {
    const n = 200_000;
    const alpha = 1.5;
    const xs = samples({ dist: "pareto", minUs: 1000, alpha }, n).sort((a, b) => a - b);
    expect(xs[0]).toBeGreaterThanOrEqual(1000);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const expected = 1000 / (1 - q) ** (1 / alpha);
      // Within three standard errors of a sample quantile (relative: sqrt(q / ((1 - q) n)) / alpha).
      const tolerance = (3 * Math.sqrt(q / ((1 - q) * n))) / alpha;
      expect(Math.abs((xs[Math.floor(q * n)] as number) / expected - 1), `q ${q}`).toBeLessThan(tolerance);
    }
  });

  it("always gives non-negative integers", () => {
    for (const model of [
      { dist: "normal", meanUs: 5, stddevUs: 50 },
      { dist: "lognormal", medianUs: 3, sigma: 2 },
      { dist: "exponential", meanUs: 7 },
      { dist: "pareto", minUs: 1, alpha: 0.1 },
    ] as LatencyModel[]) {
      for (const x of samples(model, 2000)) expect(Number.isInteger(x) && x >= 0).toBe(true);
    }
  });
});

describe("latency models as plugins", () => {
  const FILE = "scenarios/x.yaml";
  const withDatabase = (model: string) =>
    `strategy: local\nnodes:\n  - { name: A, network: { database: ${model} } }\nworkloads:\n  - node: A\n    script: [{ at: 0ms, op: read, key: k }]\n`;
  const problems = (text: string): string[] => {
    try {
      parseScenario(text, FILE, { knownStrategies: ["local"], knownEvictions: ["lru"], knownMetrics: [] });
    } catch (error) {
      if (error instanceof ScenarioError) return error.problems.map(formatProblem);
      throw error;
    }
    return [];
  };

  it("each model describes every option it takes", () => {
    for (const model of latencyModels.all()) {
      const fields = optionFields(model.options);
      expect(fields.length, model.name).toBeGreaterThan(0);
      const shape = (
        model.options as unknown as { _zod: { def: { in: { shape: Record<string, unknown> } } } }
      )._zod.def.in.shape;
      for (const field of fields) {
        expect((shape[field] as { description?: string }).description, `${model.name}.${field}`).toBeTruthy();
      }
    }
  });

  it("names the registry's models and the chosen model's fields in errors, with file:line", () => {
    expect(problems(withDatabase("{ dist: weibull, mean: 1ms }"))).toEqual([
      `${FILE}:3:45: nodes[0].network.database.dist: expected one of: ${latencyModels.names().join(", ")}, found "weibull"`,
    ]);
    expect(problems(withDatabase("{ dist: pareto, min: 0ms, alpha: 0 }"))).toEqual([
      `${FILE}:3:58: nodes[0].network.database.min: expected a duration greater than 0, such as "30s", found "0ms"`,
      `${FILE}:3:70: nodes[0].network.database.alpha: expected a number from 0.1 to 100, found 0`,
    ]);
    expect(problems(withDatabase("{ dist: normal, mean: 1ms, sd: 1ms }"))).toEqual([
      `${FILE}:3:37: nodes[0].network.database.stddev: expected a duration such as "30s", "500ms" or "250us", found nothing`,
      `${FILE}:3:64: nodes[0].network.database: unknown field "sd" (expected one of: dist, mean, stddev)`,
    ]);
    expect(problems(withDatabase("{ dist: lognormal, median: 1ms, sigma: 11 }"))).toEqual([
      `${FILE}:3:76: nodes[0].network.database.sigma: expected a number from 0 to 10, found 11`,
    ]);
    expect(problems(withDatabase("[1ms]"))[0]).toMatch(
      /3:37: nodes\[0\]\.network\.database: expected a duration such as "30s", "500ms" or "250us", or a latency model such as/,
    );
  });

  it("composes a model added to a registry (one file plus a registry line) without touching the loader", () => {
    // A made-up model: `base` plus `jitter` microseconds every other hop.
    const alternating: LatencyModelPlugin<{ baseUs: number; jitterUs: number }> = {
      name: "alternating",
      summary: "base, then base + jitter, in turn",
      example: { base: "2ms" },
      options: strict({
        base: duration().describe("the short hop"),
        jitter: duration().default(1_000).describe("what the long hop adds"),
      }).transform((o) => ({ baseUs: o.base, jitterUs: o.jitter })),
      create(_rng, { baseUs, jitterUs }) {
        let odd = false;
        return () => {
          odd = !odd;
          return odd ? baseUs : baseUs + jitterUs;
        };
      },
    };
    const registry = new Registry<LatencyModelPlugin>(
      "latency model",
      [...latencyModels.all(), alternating as LatencyModelPlugin],
      "dist",
    );
    const field = latencyField(registry);
    expect(field.parse({ dist: "alternating", base: "2ms" })).toEqual({
      dist: "alternating",
      baseUs: 2_000,
      jitterUs: 1_000,
    });
    expect(field.parse("3ms")).toEqual({ dist: "constant", valueUs: 3_000 });
    const refused = field.safeParse({ dist: "alternating", base: "2ms", spread: 1 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("expected one of: dist, base, jitter");
  });
});
