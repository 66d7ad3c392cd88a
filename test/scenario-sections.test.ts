// Guards the scenario sections (sim/sections/): the registry alone decides which top-level fields a file may
// have after the frame, a section's defaults are the ones its own file declares, a section the file leaves
// out adds nothing to a run, and every section is documented in docs/scenario-format.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type LoadOptions, parseScenario } from "../sim/scenario/load.ts";
import { BACKEND_DEFAULT } from "../sim/sections/backend.ts";
import { DATABASE_DEFAULTS } from "../sim/sections/database.ts";
import { LIMITS_DEFAULTS } from "../sim/sections/limits.ts";
import { SECTIONS } from "../sim/sections/registry.ts";
import { REPORT_DEFAULTS } from "../sim/sections/report.ts";
import type { Section, SectionRunContext } from "../sim/sections/section.ts";
import { ScenarioError } from "../sim/spec/errors.ts";

const OPTIONS: LoadOptions = { knownStrategies: ["local"], knownEvictions: ["lru"], knownMetrics: ["reads"] };
const MINIMAL = `strategy: local
nodes: [A]
workloads:
  - node: A
    script:
      - { at: 0ms, op: read, key: k }
`;
const FRAME =
  "name, description, seed, duration, strategy, defaults, nodes, globalCache, data, workloads, expect";

function parse(text: string) {
  return parseScenario(text, "x.yaml", OPTIONS) as unknown as Record<string, unknown>;
}

describe("scenario sections", () => {
  it("are the top-level fields after the frame, in the registry's order", () => {
    let message = "";
    try {
      parse(`${MINIMAL}colour: red\n`);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      message = error.message;
    }
    const fields = [FRAME, ...SECTIONS.map((s) => s.field)].join(", ");
    expect(message).toBe(`x.yaml:7:1: unknown field "colour" (expected one of: ${fields})`);
  });

  it("take their defaults from their own files when the file leaves them out", () => {
    const scenario = parse(MINIMAL);
    expect(scenario.report).toEqual(REPORT_DEFAULTS);
    expect(scenario.limits).toEqual(LIMITS_DEFAULTS);
    expect(scenario.backend).toEqual({ mode: BACKEND_DEFAULT });
    expect(scenario.database).toEqual(DATABASE_DEFAULTS);
    expect(scenario.mitigations).toEqual([]);
    expect(scenario.faults).toBeNull();
    // `sweep:` is read by the sweep command from the file; a run's scenario has no field for it.
    expect(Object.hasOwn(parse(`${MINIMAL}sweep: { grid: {} }\n`), "sweep")).toBe(false);
  });

  it("add nothing to a run when the file leaves them out (the plain path stays exact)", () => {
    const scenario = parse(MINIMAL);
    // Nothing of the run is touched when a section has nothing to add: a context that throws on use proves it.
    const untouchable = new Proxy({} as SectionRunContext, {
      get: (_, name) => {
        throw new Error(`a section left out used the run's ${String(name)}`);
      },
    });
    const withRuns = (SECTIONS as readonly Section[]).filter((s) => s.run !== undefined);
    expect(withRuns.map((s) => s.field)).toEqual(["faults", "database"]);
    for (const s of withRuns) expect(s.run?.(scenario[s.field], untouchable) ?? null).toBeNull();
  });

  it("each have a row in docs/scenario-format.md's top-level table", () => {
    const doc = readFileSync("docs/scenario-format.md", "utf8");
    const table = doc.slice(
      doc.indexOf("## Top level"),
      doc.indexOf("\n## ", doc.indexOf("## Top level") + 1),
    );
    const rows = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    for (const s of SECTIONS) expect(rows, `no row for \`${s.field}\``).toContain(s.field);
  });
});
