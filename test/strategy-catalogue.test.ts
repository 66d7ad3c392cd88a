// Guards the strategy catalogue as a scenario names it: presets expand to their parts, compositions get
// each part's options with defaults, and every mistake (unknown slot, part or option, a bad value, a
// combination the catalogue refuses) is one positioned line, like any other scenario error.
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../sim/spec/errors.ts";
import { checkStrategy, presetChoice, STRATEGY_SLOTS, strategyPresets } from "../sim/strategies/catalogue.ts";
import { scenarioFromText } from "./support/runText.ts";

const WORLD = `
nodes: [A]
workloads:
  - node: A
    script: [ { at: 0, op: read, key: k } ]
`;

function problems(strategy: string): string[] {
  try {
    scenarioFromText(`strategy: ${strategy}\n${WORLD}`);
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("the scenario loaded");
}

describe("strategy catalogue", () => {
  it("expands each preset into its parts, with every part's default options", () => {
    expect(scenarioFromText(`strategy: global\n${WORLD}`).strategy).toEqual(presetChoice("global"));
    expect(presetChoice("local")).toMatchObject({
      read: { name: "database" },
      write: { name: "write-around" },
      near: { name: "ttl" },
      fill: { name: "none" },
    });
    for (const preset of strategyPresets.all()) expect(checkStrategy(presetChoice(preset.name))).toEqual([]);
  });

  it("composes parts, filling left-out slots and options with their defaults", () => {
    const s = scenarioFromText(
      `strategy:\n  read: cache-aside\n  write: { name: write-behind, delay: 20ms }\n${WORLD}`,
    ).strategy;
    expect(s.name).toBe("custom");
    expect(s.read).toEqual({ name: "cache-aside", options: {} });
    expect(s.write).toEqual({ name: "write-behind", options: { delayUs: 20_000, batch: 100 } });
    expect(s.near.name).toBe("ttl");
    expect(s.fill.name).toBe("none");
  });

  it("gives every part's options defaults that parse from nothing", () => {
    for (const registry of Object.values(STRATEGY_SLOTS)) {
      for (const part of registry.all()) expect(part.options.safeParse({}).success, part.name).toBe(true);
    }
  });

  it("names an unknown slot, part or option with its position and the valid choices", () => {
    expect(problems("{ read: cache-aside, writes: invalidate }")).toEqual([
      'inline.yaml:1:32: strategy: unknown field "writes" (expected one of: read, write, near, fill)',
    ]);
    expect(problems("{ read: cache-beside }")).toEqual([
      "inline.yaml:1:19: strategy.read: expected one of: database, read-through, cache-aside, refresh-ahead, " +
        'stale-while-revalidate, or a mapping { name, …options }, found "cache-beside"',
    ]);
    expect(problems("{ fill: { name: lease, tll: 1s } }")).toEqual([
      'inline.yaml:1:34: strategy.fill: unknown field "tll" (expected one of: ttl, retry, retries)',
    ]);
    expect(problems("{ write: { name: double-delete, delay: soon } }")).toEqual([
      'inline.yaml:1:50: strategy.write.delay: expected a duration such as "30s", "500ms" or "250us", found "soon"',
    ]);
  });

  it("refuses a combination the catalogue does not allow, saying why, at the slot", () => {
    expect(problems("{ read: database, write: write-through }")).toEqual([
      "inline.yaml:1:36: strategy.write: expected a valid combination: read: database (no global tier) " +
        'goes only with write: write-around and fill: none, found "write-through"',
    ]);
    expect(problems("{ write: write-behind, fill: lease }")).toHaveLength(1);
  });
});
