// Guards the "Faults and stampedes" chapter (docs/faults.md): its stampede table holds the numbers a fresh run
// of scenarios/faults/stampede-*.yaml gives, and it documents every fault kind, mitigation and
// faults.csv column.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { faultKinds } from "../sim/faults/registry.ts";
import { DATABASE_HEADER } from "../sim/report/databaseReport.ts";
import { FAULTS_HEADER } from "../sim/report/faultsReport.ts";
import { mitigations } from "../sim/strategies/mitigations/registry.ts";
import { stampedeTable } from "./support/stampedeTable.ts";

const readme = readFileSync("docs/faults.md", "utf8");

describe("docs/faults.md", () => {
  it("the stampede table is what running the scenarios gives", { timeout: 240_000 }, async () => {
    const block = /<!-- stampede-table[^>]*-->\n([\s\S]*?)\n<!-- \/stampede-table -->/.exec(readme);
    expect(block, "docs/faults.md has no stampede-table block").not.toBeNull();
    expect((block as RegExpExecArray)[1]).toBe(await stampedeTable());
  });

  it("documents every fault kind, mitigation and report column", () => {
    const chapter = readme;
    for (const kind of faultKinds.names()) expect(chapter).toContain(`| \`${kind}\` |`);
    for (const m of mitigations.names()) expect(chapter).toContain(`| \`${m}\` |`);
    for (const column of FAULTS_HEADER) expect(chapter).toContain(`\`${column}\``);
    for (const column of DATABASE_HEADER) expect(chapter).toContain(`\`${column}\``);
  });
});
