// Guards bounded global-cache shards in live mode: the engine's evictions reach a real Redis
// (standalone and Cluster) as DELs, so reports are byte-identical to in-process runs for every store
// kind (plain SET, versioned compare-and-set with tombstones, lease fills) and the server ends holding
// no more than each shard's bound, without its own maxmemory.
import path from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import type { LiveRedisStore } from "../sim/backends/live/liveRedisStore.ts";
import { openLiveBackends } from "../sim/backends/live/openLive.ts";
import { valueBytes } from "../sim/model/localCache.ts";
import type { Backends } from "../sim/model/ports.ts";
import { boundedShardWorld } from "./support/boundedShardWorld.ts";
import { runToTexts, scenarioFromText } from "./support/runText.ts";
import { scratchFolder } from "./support/scratchFolders.ts";

const STANDALONE_URL = process.env.CACHESIM_TEST_REDIS_URL;
const CLUSTER_NODES = process.env.CACHESIM_TEST_REDIS_CLUSTER_NODES;
const START_HINT = 'start local servers with: eval "$(bash .ci/services.sh start)"';
if (!STANDALONE_URL)
  console.warn(
    `live shard bounds (standalone Redis) skipped: CACHESIM_TEST_REDIS_URL is not set; ${START_HINT}`,
  );
if (!CLUSTER_NODES)
  console.warn(
    `live shard bounds (Redis Cluster) skipped: CACHESIM_TEST_REDIS_CLUSTER_NODES is not set; ${START_HINT}`,
  );

const dir = scratchFolder("cachesim-live-bounds-");

const CASES = [
  {
    strategy: "global",
    globalCache: "{ ttl: 30s, capacity: 40, capacityBytes: 600, eviction: volatile-ttl }",
  },
  {
    strategy: "{ read: cache-aside, write: invalidate, fill: versioned }",
    globalCache: "{ capacityBytes: 600, eviction: allkeys-lru }",
  },
  {
    strategy: "{ read: cache-aside, write: invalidate, fill: lease }",
    globalCache: "{ capacityBytes: 600, eviction: allkeys-random }",
  },
  {
    strategy: "{ read: read-through, write: write-through }",
    globalCache: "{ capacityBytes: 600, eviction: noeviction }",
  },
  {
    strategy: "{ read: cache-aside, write: double-delete }",
    globalCache: "{ capacityBytes: 600, eviction: { policy: allkeys-lfu, lfuLogFactor: 1 } }",
  },
];

function world(strategy: string, globalCache: string): string {
  return boundedShardWorld(strategy, globalCache, { seed: 11, requests: 1500, interval: "250ms" });
}

/** Bytes each shard holds on the standalone server (values only; leases and tombstones hold none). */
async function heldBytes(url: string, prefix: string): Promise<number[]> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    const values = keys.length === 0 ? [] : await client.mget(...keys);
    const perShard = new Map<string, number>();
    keys.forEach((key, i) => {
      const entry = values[i] ?? "";
      const shard = key.slice(prefix.length, key.indexOf(":", prefix.length));
      const second = entry.indexOf("|", entry.indexOf("|") + 1);
      const bytes =
        !entry.startsWith("L|") && entry[second + 1] === "s" ? valueBytes(entry.slice(second + 2)) : 0;
      perShard.set(shard, (perShard.get(shard) ?? 0) + bytes);
    });
    return [...perShard.values()];
  } finally {
    client.disconnect();
  }
}

/** The live backends, with a look at the server's contents just before the run cleans up. */
async function liveWithLook(env: NodeJS.ProcessEnv, look: ((store: LiveRedisStore) => Promise<void>) | null) {
  const backends = await openLiveBackends(env, { cwd: dir() });
  if (look === null) return backends;
  const store = backends.cache as LiveRedisStore;
  const close = store.close.bind(store);
  store.close = async () => {
    await look(store);
    await close();
  };
  return backends satisfies Backends;
}

async function parity(
  text: string,
  env: NodeJS.ProcessEnv,
  look: ((store: LiveRedisStore) => Promise<void>) | null,
) {
  const scenario = scenarioFromText(text);
  const memory = await runToTexts(scenario);
  const live = await runToTexts(scenario, await liveWithLook(env, look));
  expect(live.files["summary.csv"], "summary.csv").toBe(memory.files["summary.csv"]);
  expect(live.files["timeseries.csv"], "timeseries.csv").toBe(memory.files["timeseries.csv"]);
  return memory.files["summary.csv"] as string;
}

describe.skipIf(!STANDALONE_URL)(
  STANDALONE_URL
    ? "bounded shards, live: standalone Redis + SQLite file"
    : `bounded shards, live (standalone) — skipped: ${START_HINT}`,
  () => {
    for (const c of CASES) {
      it(`${c.strategy} ${c.globalCache}: same bytes as in-process, server within bounds`, {
        timeout: 300_000,
      }, async () => {
        let held: number[] = [];
        const summary = await parity(
          world(c.strategy, c.globalCache),
          { REDIS_URL: STANDALONE_URL, SQLITE_URL: path.join(dir(), "standalone.sqlite") },
          async (store) => {
            held = await heldBytes(STANDALONE_URL as string, store.prefix);
          },
        );
        expect(held.length).toBeGreaterThan(0);
        for (const bytes of held) expect(bytes).toBeLessThanOrEqual(600);
        // The bound bit: something was evicted or refused.
        const total = (summary.trim().split("\n").at(-1) as string).split(",");
        const header = (summary.split("\n")[0] as string).split(",");
        const cell = (name: string) => Number(total[header.indexOf(name)]);
        expect(cell("global_evictions") + cell("cache_sets_refused")).toBeGreaterThan(0);
      });
    }
  },
);

describe.skipIf(!CLUSTER_NODES)(
  CLUSTER_NODES
    ? "bounded shards, live: Redis Cluster + SQLite file"
    : `bounded shards, live (Cluster) — skipped: ${START_HINT}`,
  () => {
    for (const c of CASES) {
      it(`${c.strategy} ${c.globalCache}: same bytes as in-process`, { timeout: 300_000 }, async () => {
        await parity(
          world(c.strategy, c.globalCache),
          { REDIS_CLUSTER_NODES: CLUSTER_NODES, SQLITE_URL: path.join(dir(), "cluster.sqlite") },
          null,
        );
      });
    }
  },
);
