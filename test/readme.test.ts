// Guards the documentation's promises: the generated tables (catalogue, latency models, report columns) are current, every strategy, part and latency model is listed
// in its chapter, and the front page's quick start names commands that exist.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRIC_COLUMNS } from "../sim/metrics/columns.ts";
import { latencyModels } from "../sim/model/latency/registry.ts";
import { strategyNames } from "../sim/strategies/registry.ts";
import { patternTable } from "../sim/tools/comparison.ts";
import { blockText, DOC_TABLES } from "../sim/tools/docTables.ts";
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
  it("holds every generated table exactly as npm run docs:tables writes it", () => {
    for (const { page, marker, text } of DOC_TABLES) {
      const shown = blockText(readFileSync(page, "utf8"), marker);
      expect(shown, `${page} has no ${marker} block`).not.toBeNull();
      expect(shown, `${page}'s ${marker} table is stale: run npm run docs:tables`).toBe(text());
    }
  });

  it("documents every report column with its unit and kind", () => {
    for (const c of METRIC_COLUMNS) expect(reports, c.name).toContain(`| \`${c.name}\` |`);
    expect(METRIC_COLUMNS.find((c) => c.name === "read_latency_p99_us")).toMatchObject({
      unit: "us",
      kind: "percentile",
    });
    expect(METRIC_COLUMNS.find((c) => c.name === "global_evicted_bytes")).toMatchObject({
      unit: "bytes",
      kind: "count",
    });
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

  it("holds the latency models exactly as their registry describes them", () => {
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
