// Guards live-mode parity: every scenario in scenarios/ (and its folders, faults/ included) run against a real Redis (standalone and
// Cluster) and a real SQLite file writes the same summary.csv, timeseries.csv and trace.csv as the
// in-process run with the same seed, byte for byte (in Cluster mode the trace's shard column names the
// cluster node that held each key, so that column alone may differ).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openLiveBackends } from "../sim/backends/live/openLive.ts";
import { runToTexts, scenarioFromFile } from "./support/runText.ts";
import { shippedScenarioFiles } from "./support/scenarioFiles.ts";
import { scratchFolder } from "./support/scratchFolders.ts";

const STANDALONE_URL = process.env.CACHESIM_TEST_REDIS_URL;
const CLUSTER_NODES = process.env.CACHESIM_TEST_REDIS_CLUSTER_NODES;
const START_HINT = 'start local servers with: eval "$(bash .ci/services.sh start)"';
if (!STANDALONE_URL)
  console.warn(`live parity (standalone Redis) skipped: CACHESIM_TEST_REDIS_URL is not set; ${START_HINT}`);
if (!CLUSTER_NODES)
  console.warn(
    `live parity (Redis Cluster) skipped: CACHESIM_TEST_REDIS_CLUSTER_NODES is not set; ${START_HINT}`,
  );

const scenarioFiles = shippedScenarioFiles();
const dir = scratchFolder("cachesim-parity-");

/** The trace with its shard column (index 7) blanked, for Cluster runs. */
function withoutShard(trace: string | undefined): string {
  return (trace ?? "")
    .split("\n")
    .map((line) =>
      line
        .split(",")
        .map((cell, i) => (i === 7 ? "" : cell))
        .join(","),
    )
    .join("\n");
}

async function parity(file: string, env: NodeJS.ProcessEnv, cluster: boolean) {
  const scenario = scenarioFromFile(path.join("scenarios", file));
  const memory = await runToTexts(scenario);
  const live = await runToTexts(scenario, await openLiveBackends(env, { cwd: dir() }));
  expect(Object.keys(live.files).sort()).toEqual(Object.keys(memory.files).sort());
  expect(live.files["summary.csv"], "summary.csv").toBe(memory.files["summary.csv"]);
  expect(live.files["timeseries.csv"], "timeseries.csv").toBe(memory.files["timeseries.csv"]);
  expect(live.files["faults.csv"], "faults.csv").toBe(memory.files["faults.csv"]);
  if (memory.files["trace.csv"] !== undefined) {
    if (cluster) expect(withoutShard(live.files["trace.csv"])).toBe(withoutShard(memory.files["trace.csv"]));
    else expect(live.files["trace.csv"], "trace.csv").toBe(memory.files["trace.csv"]);
  }
  return live;
}

describe.skipIf(!STANDALONE_URL)(
  STANDALONE_URL
    ? "live parity: standalone Redis + SQLite file"
    : `live parity (standalone) — skipped: ${START_HINT}`,
  () => {
    for (const file of scenarioFiles) {
      it(`${file}: same bytes as in-process`, { timeout: 600_000 }, async () => {
        await parity(
          file,
          { REDIS_URL: STANDALONE_URL, SQLITE_URL: path.join(dir(), "standalone.sqlite") },
          false,
        );
      });
    }
  },
);

describe.skipIf(!CLUSTER_NODES)(
  CLUSTER_NODES
    ? "live parity: Redis Cluster + SQLite file"
    : `live parity (Cluster) — skipped: ${START_HINT}`,
  () => {
    for (const file of scenarioFiles) {
      it(`${file}: same bytes as in-process (shard column aside)`, { timeout: 600_000 }, async () => {
        const live = await parity(
          file,
          { REDIS_CLUSTER_NODES: CLUSTER_NODES, SQLITE_URL: path.join(dir(), "cluster.sqlite") },
          true,
        );
        const trace = live.files["trace.csv"];
        // Where the scenario traces global reads, the shard column names real cluster nodes.
        if (trace?.includes(",global,")) expect(trace).toMatch(/,global,127\.0\.0\.1:\d+,/);
      });
    }
  },
);
