// Guards the documentation's promises: every report column is documented, every strategy, part and latency model is listed
// in its chapter, and the front page's quick start names commands that exist.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRIC_COLUMNS } from "../sim/metrics/columns.ts";
import { latencyModelsMarkdown } from "../sim/model/latency/describe.ts";
import { latencyModels } from "../sim/model/latency/registry.ts";
import { catalogueMarkdown } from "../sim/strategies/describe.ts";
import { strategyNames } from "../sim/strategies/registry.ts";
import { patternTable } from "../sim/tools/comparison.ts";
import { arrivalProcesses } from "../sim/workloads/arrivals/registry.ts";
import { keyDistributions } from "../sim/workloads/keys/registry.ts";
import { workloadKinds } from "../sim/workloads/kinds.ts";
import { valueSizes } from "../sim/workloads/sizes/sizes.ts";
import { traceFormats } from "../sim/workloads/trace/formats.ts";
import { YCSB_WORKLOADS } from "../sim/workloads/ycsb.ts";
import { readChapter, readFrontPage } from "./support/docs.ts";

const readme = readFrontPage();
const reports = readChapter("reports");
const strategies = readChapter("strategies");
const workloads = readChapter("workloads");
const scenarioFormat = readChapter("scenario-format");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

describe("documentation", () => {
  it("documents every report column", () => {
    for (const c of METRIC_COLUMNS) expect(reports, c.name).toContain(`| \`${c.name}\` |`);
  });

  it("lists every strategy", () => {
    for (const name of strategyNames()) expect(strategies, name).toContain(`| \`${name}\` |`);
  });

  it("lists every workload kind, key distribution, arrival process, value size, trace format and YCSB preset", () => {
    const names = [
      "script",
      ...workloadKinds.names(),
      ...keyDistributions.names(),
      ...arrivalProcesses.names(),
      ...valueSizes.names(),
      ...traceFormats.names(),
      ...YCSB_WORKLOADS,
    ];
    for (const name of names) expect(workloads, name).toContain(`| \`${name}\` |`);
    expect(pkg.scripts["bench:trace"]).toBeDefined();
  });

  it("holds the strategy catalogue exactly as the registries describe it", () => {
    const begin = strategies.indexOf("-->\n", strategies.indexOf("<!-- catalogue:begin")) + 4;
    const end = strategies.indexOf("<!-- catalogue:end -->");
    expect(begin).toBeGreaterThan(3);
    expect(strategies.slice(begin, end).trim()).toBe(catalogueMarkdown());
  });

  it("holds the latency models exactly as their registry describes them", () => {
    const begin = scenarioFormat.indexOf("-->\n", scenarioFormat.indexOf("<!-- latency:begin")) + 4;
    const end = scenarioFormat.indexOf("<!-- latency:end -->");
    expect(begin).toBeGreaterThan(3);
    expect(scenarioFormat.slice(begin, end).trim()).toBe(latencyModelsMarkdown());
    for (const name of latencyModels.names()) expect(scenarioFormat, name).toContain(`| \`${name}\` |`);
  });

  it("quick start uses commands the package provides", () => {
    expect(readme).toContain("npx cachesim run scenarios/local-stale.yaml");
    expect(pkg.bin.cachesim).toBeDefined();
    for (const script of ["test", "bench", "golden:update"])
      expect(pkg.scripts[script], script).toBeDefined();
  });

  it("shows the patterns side by side exactly as a fresh run of each gives them", async () => {
    const begin = strategies.indexOf("<!-- patterns:begin -->") + "<!-- patterns:begin -->".length;
    const end = strategies.indexOf("<!-- patterns:end -->");
    expect(begin).toBeGreaterThan("<!-- patterns:begin -->".length);
    expect(strategies.slice(begin, end).trim()).toBe(await patternTable());
  });
});
