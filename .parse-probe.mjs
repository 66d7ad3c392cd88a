import fs from "node:fs";
import { parseScenario } from "/work/main/dist/scenario/load.js";
import { knownNames } from "/work/main/dist/scenario/knownNames.js";
import { applyOverrides, parseFieldPath } from "/work/main/dist/sweep/override.js";
import YAML from "yaml";
const file = process.argv[2];
const text = fs.readFileSync(file, "utf8");
const known = knownNames();
const N = 200;
for (const phase of ["cold", "warm"]) {
  let t = performance.now();
  for (let i = 0; i < N; i++) parseScenario(applyOverrides(text, [{ path: "defaults.cache.ttl", segments: parseFieldPath("defaults.cache.ttl"), value: `${i % 60 + 1}s` }]), file, known);
  const full = (performance.now() - t) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) YAML.parseDocument(text);
  const doc = (performance.now() - t) / N;
  console.log(phase, "parseScenario", full.toFixed(3), "ms; YAML.parseDocument", doc.toFixed(3), "ms; text", text.length);
}
