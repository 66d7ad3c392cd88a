// Guards against regressions, not a proof of correctness: every scenario in scenarios/ must produce
// exactly the committed golden CSVs. After an intended change, refresh them with `npm run golden:update`
// and review the diff.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runToTexts, scenarioFromFile } from "./support/runText.ts";
import { shippedScenarioFiles } from "./support/scenarioFiles.ts";

const UPDATE = process.env.CACHESIM_UPDATE_GOLDEN === "1";
const scenarioFiles = shippedScenarioFiles();

describe("golden reports", () => {
  it("covers every scenario file", () => {
    expect(scenarioFiles).toEqual(
      expect.arrayContaining(["bench.yaml", "global-coordinator.yaml", "local-stale.yaml"]),
    );
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
        expect(files[name], `${goldenDir}/${name} differs`).toBe(
          readFileSync(path.join(goldenDir, name), "utf8"),
        );
      }
      // A scenario that ships with expectations must meet them.
      expect(result.expectations.filter((e) => !e.passed)).toEqual([]);
    });
  }
});
