// Guards how a scenario names a node cache's policy and bounds: `eviction` bare or as
// `{ policy, ...options }` (options checked by the policy's own schema, errors located in the file),
// `capacityBytes` beside `capacity`, and a run that uses them.
import { describe, expect, it } from "vitest";
import { knownNames } from "../sim/scenario/knownNames.ts";
import { parseScenario } from "../sim/scenario/load.ts";
import { ScenarioError } from "../sim/spec/errors.ts";

const FILE = "scenarios/x.yaml";

const scenario = (cache: string) => `name: x
strategy: local
duration: 1s
defaults:
  cache: ${cache}
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: "k" }
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, FILE, knownNames());
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
}

describe("cache.eviction and cache.capacityBytes in a scenario", () => {
  it("takes a bare name or a mapping with options, and a byte bound", () => {
    const bare = parseScenario(scenario("{ eviction: sieve }"), FILE, knownNames());
    expect(bare.nodes[0]?.cache).toMatchObject({ eviction: "sieve", evictionOptions: {}, capacityBytes: 0 });
    const mapped = parseScenario(
      scenario("{ capacity: 0, capacityBytes: 65536, eviction: { policy: s3fifo, smallRatio: 0.2 } }"),
      FILE,
      knownNames(),
    );
    expect(mapped.nodes[0]?.cache).toMatchObject({
      capacity: 0,
      capacityBytes: 65536,
      eviction: "s3fifo",
      evictionOptions: { smallRatio: 0.2 },
    });
  });

  it("checks a policy's options with its own schema, at the option's place in the file", () => {
    expect(problems(scenario("{ eviction: { policy: s3fifo, smallRatio: 2 } }"))).toEqual([
      expect.stringMatching(
        /^scenarios\/x\.yaml:5:\d+: defaults\.cache\.eviction\.smallRatio: expected a number/,
      ),
    ]);
    expect(problems(scenario("{ eviction: { policy: lru, smallRatio: 0.2 } }"))).toEqual([
      expect.stringMatching(
        /defaults\.cache\.eviction\.smallRatio: expected no `smallRatio:` unless `policy: s3fifo`/,
      ),
    ]);
  });

  it("refuses, at the node, a policy that cannot work at its capacity", () => {
    expect(problems(scenario("{ capacity: 10, eviction: s3fifo }"))).toEqual([
      "scenarios/x.yaml:6:9: nodes[0].cache.eviction: s3fifo's small queue would hold 1 (capacity 10 × smallRatio 0.1); it needs at least 2 to admit anything: raise the capacity or smallRatio",
    ]);
  });

  it("does not offer belady, which needs the future", () => {
    expect(problems(scenario("{ eviction: belady }"))[0]).toMatch(
      /defaults\.cache\.eviction: expected one of: lru, fifo/,
    );
  });
});
