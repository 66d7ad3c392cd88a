// Guards against regressions, not a proof of correctness: every scenario in scenarios/ must produce
// exactly the committed golden CSVs, column by column: every column a golden file holds must come out the
// same, byte for byte, and a column the reports gained is added to the golden files by
// `npm run golden:add-column` (which checks the others first), never by rewriting them. After an intended
// change of numbers, refresh them with `npm run golden:update` and review the diff.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { columnDifference, csvColumns, projectCsv } from "./support/goldenCsv.ts";
import { runToTexts, scenarioFromFile } from "./support/runText.ts";
import { shippedScenarioFiles } from "./support/scenarioFiles.ts";

const UPDATE = process.env.CACHESIM_UPDATE_GOLDEN === "1";
/** `npm run golden:add-column`: add to each golden file the columns its report gained, nothing else. */
const ADD_COLUMNS = process.env.CACHESIM_ADD_GOLDEN_COLUMNS === "1";
const scenarioFiles = shippedScenarioFiles();
/** Golden folders that another test owns (they hold no scenario's reports). */
const OWNED_ELSEWHERE = new Set(["eviction"]); // test/eviction-golden.test.ts: misses per policy

describe("golden reports", () => {
  it("covers every scenario file, and keeps no golden folder that no scenario writes", () => {
    expect(scenarioFiles).toEqual(
      expect.arrayContaining(["bench.yaml", "global-coordinator.yaml", "local-stale.yaml"]),
    );
    const names = scenarioFiles.map((file) => scenarioFromFile(path.join("scenarios", file)).name);
    const folders = readdirSync(path.join("test", "golden"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter((folder) => !OWNED_ELSEWHERE.has(folder));
    expect(
      names.filter((name) => !folders.includes(name)),
      "scenarios without golden reports",
    ).toEqual([]);
    expect(
      folders.filter((folder) => !names.includes(folder)),
      "orphaned golden folders",
    ).toEqual([]);
  });

  for (const file of scenarioFiles) {
    it(`${file} reproduces its golden CSVs byte for byte`, { timeout: 120_000 }, async () => {
      const scenario = scenarioFromFile(path.join("scenarios", file));
      const { files, result } = await runToTexts(scenario);
      const goldenDir = path.join("test", "golden", scenario.name);
      if (UPDATE) {
        rmSync(goldenDir, { recursive: true, force: true });
        mkdirSync(goldenDir, { recursive: true });
        for (const [name, text] of Object.entries(files)) writeFileSync(path.join(goldenDir, name), text);
      }
      expect(existsSync(goldenDir), `no golden reports for ${file}: run npm run golden:update`).toBe(true);
      const committed = readdirSync(goldenDir).sort();
      expect(committed).toEqual(Object.keys(files).sort());
      for (const name of committed) {
        const goldenFile = path.join(goldenDir, name);
        const golden = readFileSync(goldenFile, "utf8");
        const fresh = files[name] as string;
        const { added, removed } = columnDifference(fresh, golden);
        expect(removed, `${goldenFile} holds columns the report no longer writes`).toEqual([]);
        expect(projectCsv(fresh, csvColumns(golden)), `${goldenFile} differs`).toBe(golden);
        if (ADD_COLUMNS && added.length > 0) {
          writeFileSync(goldenFile, fresh);
        }
        expect(
          ADD_COLUMNS ? [] : added,
          `${goldenFile} lacks columns the report writes: add them with npm run golden:add-column`,
        ).toEqual([]);
      }
      // A scenario that ships with expectations must meet them.
      expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    });
  }
});
