// `npm run bench:load [keys]`: writes a scenario whose `data.values` holds `keys` entries (1,000,000,
// the documented limit, by default) to a temporary folder, loads it, and prints the time and memory it
// took. A benchmark, not a test: figures vary with the machine and its load; compare CPU time.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Stopwatch } from "../report/stopwatch.ts";
import { knownNames } from "../scenario/knownNames.ts";
import { loadScenario } from "../scenario/load.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";

const keys = Number(process.argv[2] ?? LIMITS.dataValues);
if (!Number.isSafeInteger(keys) || keys < 1 || keys > LIMITS.dataValues) {
  console.error(`usage: npm run bench:load [keys], keys from 1 to ${formatCount(LIMITS.dataValues)}`);
  process.exit(2);
}

const dir = mkdtempSync(path.join(os.tmpdir(), "cachesim-load-"));
try {
  const file = path.join(dir, "values.yaml");
  const head = [
    "strategy: local",
    "nodes: [A]",
    "workloads:",
    "  - node: A",
    "    script:",
    '      - { at: 0ms, op: read, key: "user:0" }',
    "data:",
    "  values:",
  ];
  // Written in chunks, so the generator's own strings do not count in the loader's peak memory.
  const fd = openSync(file, "w");
  writeSync(fd, `${head.join("\n")}\n`);
  for (let from = 0; from < keys; from += 10_000) {
    let chunk = "";
    for (let i = from; i < Math.min(keys, from + 10_000); i++) chunk += `    "user:${i}": "value-${i}"\n`;
    writeSync(fd, chunk);
  }
  closeSync(fd);
  const bytes = statSync(file).size;

  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const stopwatch = new Stopwatch();
  const scenario = loadScenario(file, knownNames());
  const wallMs = stopwatch.elapsedSeconds() * 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (scenario.data.values.length !== keys) throw new Error(`loaded ${scenario.data.values.length} keys`);

  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`data.values: ${formatCount(keys)} keys, ${mib(bytes)} of YAML`);
  console.log(`load: ${(wallMs / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU`);
  console.log(
    `memory: peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} (${mib(rssBefore)} before loading)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
