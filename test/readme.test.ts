// Guards the README's promises: every report column is documented, every strategy, part and latency model is listed, and the
// quick start names commands that exist.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { latencyModelsMarkdown } from "../sim/model/latency/describe.ts";
import { latencyModels } from "../sim/model/latency/registry.ts";
import { METRIC_COLUMNS } from "../sim/report/columns.ts";
import { patternTable } from "../sim/strategies/comparison.ts";
import { catalogueMarkdown } from "../sim/strategies/describe.ts";
import { strategyNames } from "../sim/strategies/registry.ts";
import { arrivalProcesses } from "../sim/workloads/arrivals/registry.ts";
import { keyDistributions } from "../sim/workloads/keys/registry.ts";
import { workloadKinds } from "../sim/workloads/kinds.ts";
import { valueSizes } from "../sim/workloads/sizes/sizes.ts";
import { traceFormats } from "../sim/workloads/trace/formats.ts";
import { YCSB_WORKLOADS } from "../sim/workloads/ycsb.ts";

const readme = readFileSync("README.md", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

describe("README", () => {
  it("documents every report column", () => {
    for (const c of METRIC_COLUMNS) expect(readme, c.name).toContain(`| \`${c.name}\` |`);
  });

  it("lists every strategy", () => {
    for (const name of strategyNames()) expect(readme, name).toContain(`| \`${name}\` |`);
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
    for (const name of names) expect(readme, name).toContain(`| \`${name}\` |`);
    expect(pkg.scripts["bench:trace"]).toBeDefined();
  });

  it("holds the strategy catalogue exactly as the registries describe it", () => {
    const begin = readme.indexOf("-->\n", readme.indexOf("<!-- catalogue:begin")) + 4;
    const end = readme.indexOf("<!-- catalogue:end -->");
    expect(readme.slice(begin, end).trim()).toBe(catalogueMarkdown());
  });

  it("holds the latency models exactly as their registry describes them", () => {
    const begin = readme.indexOf("-->\n", readme.indexOf("<!-- latency:begin")) + 4;
    const end = readme.indexOf("<!-- latency:end -->");
    expect(readme.slice(begin, end).trim()).toBe(latencyModelsMarkdown());
    for (const name of latencyModels.names()) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  it("quick start uses commands the package provides", () => {
    expect(readme).toContain("npx cachesim run scenarios/local-stale.yaml");
    expect(pkg.bin.cachesim).toBeDefined();
    for (const script of ["test", "bench", "golden:update"])
      expect(pkg.scripts[script], script).toBeDefined();
  });

  it("shows the patterns side by side exactly as a fresh run of each gives them", async () => {
    const begin = readme.indexOf("<!-- patterns:begin -->") + "<!-- patterns:begin -->".length;
    const end = readme.indexOf("<!-- patterns:end -->");
    expect(begin).toBeGreaterThan(0);
    expect(readme.slice(begin, end).trim()).toBe(await patternTable());
  });
});
