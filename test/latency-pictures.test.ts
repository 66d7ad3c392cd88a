// Guards the pictures of the latency models' shapes: every model in the registry has one under docs/,
// each is exactly what a fresh drawing of its seeded example gives (`npm run docs:latency` makes them
// again), and the chapter that documents the models shows every one.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { latencyModels } from "../sim/model/latency/registry.ts";
import { latencyPicture, latencyPicturePath } from "../sim/tools/latencyPictures.ts";

describe("the latency models' pictures under docs/", { timeout: 120_000 }, () => {
  const chapter = readFileSync("docs/scenario-format.md", "utf8");

  for (const model of latencyModels.all()) {
    const file = latencyPicturePath(model.name);
    it(`${file} is a fresh drawing of ${model.name}'s example, shown in docs/scenario-format.md`, async () => {
      expect(existsSync(file), `${file} is missing: npm run docs:latency`).toBe(true);
      const fresh = await latencyPicture(model);
      expect(readFileSync(file, "utf8") === fresh, `${file} is stale: npm run docs:latency`).toBe(true);
      expect(chapter).toContain(`](${file.replace(/^docs\//, "")})`);
    });
  }

  it("draws the same bytes twice (seeded draws, fixed fonts)", async () => {
    const model = latencyModels.get("mixture");
    expect(await latencyPicture(model)).toBe(await latencyPicture(model));
  });
});
