// Guards the sweep chapter (docs/sweeps.md): its table holds the numbers the example sweep really gives, and
// the committed chart is exactly what `cachesim sweep --html` draws from that sweep.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { writeHtmlReport } from "../sim/report/html/writeReport.ts";
import { LocalExecutor } from "../sim/sweep/localExecutor.ts";
import { prepareSweep, runSweep } from "../sim/sweep/runSweep.ts";

const tmp = mkdtempSync(path.join(os.tmpdir(), "cachesim-sweep-readme-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("docs/sweeps.md example", { timeout: 240_000 }, () => {
  it("shows the numbers and the chart of scenarios/sweeps/ttl-staleness.yaml", async () => {
    const out = path.join(tmp, "ttl");
    await runSweep(
      prepareSweep({ file: "scenarios/sweeps/ttl-staleness.yaml", sets: [], outDir: out }),
      new LocalExecutor(1),
    );
    const rows = parse(readFileSync(path.join(out, "sweep.csv"), "utf8"), { columns: true }) as Array<
      Record<string, string>
    >;
    const expected = rows.map((r) => `| ${r["defaults.cache.ttl"]} | ${r.hit_rate} | ${r.stale_rate} |`);

    const readme = readFileSync("docs/sweeps.md", "utf8");
    const start = readme.indexOf("<!-- sweep-table:ttl-staleness");
    const end = readme.indexOf("<!-- /sweep-table -->", start);
    expect(start).toBeGreaterThan(0);
    const table = readme
      .slice(start, end)
      .split("\n")
      .filter((line) => /^\| \d/.test(line));
    expect(table).toEqual(expected);

    await writeHtmlReport(out);
    expect(readFileSync("docs/ttl-staleness-tradeoff.svg", "utf8")).toBe(
      readFileSync(path.join(out, "chart-tradeoff_stale_vs_hit.svg"), "utf8"),
    );
  });
});
