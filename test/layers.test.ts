// Guards the layer rules (.dependency-cruiser.cjs): on a small tree they report an upward import, an
// import circle closed only by `import type`, a folder no layer declares, and let a downward import pass.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { cruise } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const rules = createRequire(import.meta.url)(path.resolve(".dependency-cruiser.cjs"));

const TREE: Record<string, string> = {
  // Downward: allowed.
  "sim/model/tier.ts": 'import { tick } from "../core/clock.ts";\nexport const tier = tick;\n',
  "sim/core/clock.ts": "export const tick = 1;\n",
  // Upward: the kernel reaching into the model.
  "sim/core/leak.ts": 'import { tier } from "../model/tier.ts";\nexport const leak = tier;\n',
  // A circle inside one layer, closed by a type-only import.
  "sim/spec/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b: B }\n',
  "sim/spec/b.ts": 'import type { A } from "./a.ts";\nexport interface B { a: A }\n',
  // A folder that no layer declares.
  "sim/misc/stray.ts": 'import { tick } from "../core/clock.ts";\nexport const stray = tick;\n',
};

const dir = mkdtempSync(path.join(tmpdir(), "cachesim-layers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function violations(): Promise<string[]> {
  for (const [file, text] of Object.entries(TREE)) {
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const { tsConfig: _tsConfig, ...options } = rules.options;
  const result = await cruise(["sim"], {
    ...options,
    baseDir: dir,
    validate: true,
    ruleSet: { forbidden: rules.forbidden },
  });
  if (typeof result.output === "string") throw new Error(result.output);
  return result.output.summary.violations.map(
    (v: { rule: { name: string }; from: string; to: string }) => `${v.rule.name}: ${v.from} → ${v.to}`,
  );
}

describe("layer rules", () => {
  it("report upward imports, type-only circles and undeclared folders, and nothing else", async () => {
    // The downward import (model/tier.ts → core/clock.ts) is not among them.
    expect((await violations()).sort()).toEqual([
      "layer-core: sim/core/leak.ts → sim/model/tier.ts",
      "no-circular: sim/spec/a.ts → sim/spec/b.ts",
      "not-in-a-layer: sim/misc/stray.ts → sim/core/clock.ts",
    ]);
  });
});
