// Guards the conditional cache operations (del, setIfNewer, takeLease, fillLease, publish): their rules, and that the in-process store, its Lua twin and live Redis (standalone, Cluster) all answer alike.
import fc from "fast-check";
import RedisMock from "ioredis-mock";
import { afterAll, describe, expect, it } from "vitest";
import { CACHE_SCRIPTS, type ScriptCommands } from "../sim/backends/cacheScripts.ts";
import { Deliveries } from "../sim/backends/deliveries.ts";
import { newRunId, parseRedisConfig } from "../sim/backends/live/config.ts";
import { LiveRedisStore } from "../sim/backends/live/liveRedisStore.ts";
import { MemoryCacheStore } from "../sim/backends/memoryCacheStore.ts";
import type { CacheStore } from "../sim/model/ports.ts";

const STANDALONE_URL = process.env.CACHESIM_TEST_REDIS_URL;
const CLUSTER_NODES = process.env.CACHESIM_TEST_REDIS_CLUSTER_NODES;
const START_HINT = 'start them with: eval "$(bash .ci/services.sh start)"';
if (!STANDALONE_URL)
  console.warn(
    `live cache-operation tests (standalone) skipped: CACHESIM_TEST_REDIS_URL is not set; ${START_HINT}`,
  );
if (!CLUSTER_NODES)
  console.warn(
    `live cache-operation tests (Cluster) skipped: CACHESIM_TEST_REDIS_CLUSTER_NODES is not set; ${START_HINT}`,
  );

async function openLive(env: NodeJS.ProcessEnv): Promise<LiveRedisStore> {
  const config = parseRedisConfig(env);
  if (!config) throw new Error("no Redis configured");
  return LiveRedisStore.open(config, { runId: newRunId(), safetyTtlMs: 60_000, connectTimeoutMs: 5000 });
}

interface Kind {
  name: string;
  configured: boolean;
  open: () => Promise<CacheStore>;
}

const kinds: Kind[] = [
  { name: "in process (ioredis-mock)", configured: true, open: async () => new MemoryCacheStore() },
  {
    name: "live standalone",
    configured: Boolean(STANDALONE_URL),
    open: () => openLive({ REDIS_URL: STANDALONE_URL }),
  },
  {
    name: "live Cluster",
    configured: Boolean(CLUSTER_NODES),
    open: () => openLive({ REDIS_CLUSTER_NODES: CLUSTER_NODES }),
  },
];

const opened: CacheStore[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});
async function open(kind: Kind): Promise<CacheStore> {
  const store = await kind.open();
  opened.push(store);
  return store;
}

// Entries in the engine's encoding (sim/model/globalCache.ts).
const value = (version: number, expiresAtUs: number, text: string | null) =>
  `${version}|${expiresAtUs}|${text === null ? "n" : `s${text}`}`;
const tombstone = (version: number, expiresAtUs: number) => `${version}|${expiresAtUs}|t`;
const lease = (token: number, expiresAtUs: number) => `L|${token}|${expiresAtUs}`;

for (const kind of kinds) {
  describe.skipIf(!kind.configured)(`cache operations, ${kind.name}`, () => {
    it("del removes a key, and deleting an absent key is no error", async () => {
      const store = await open(kind);
      await store.set("User:1", value(1, 0, "John"));
      await store.del("User:1");
      expect(await store.get("User:1")).toBeNull();
      await store.del("User:1");
      expect(await store.get("User:1")).toBeNull();
    });

    it("setIfNewer stores over nothing, a lease, an expired entry or an older version; refuses the rest", async () => {
      const store = await open(kind);
      expect(await store.setIfNewer("a", value(3, 0, "v3"), 3, 100)).toBe(1);
      expect(await store.get("a")).toBe(value(3, 0, "v3"));
      // Same or older version while live: refused, entry unchanged.
      expect(await store.setIfNewer("a", value(3, 0, "other"), 3, 100)).toBe(0);
      expect(await store.setIfNewer("a", value(2, 0, "v2"), 2, 100)).toBe(0);
      expect(await store.get("a")).toBe(value(3, 0, "v3"));
      // Newer: stored.
      expect(await store.setIfNewer("a", value(4, 500, null), 4, 100)).toBe(1);
      expect(await store.get("a")).toBe(value(4, 500, null));
      // A tombstone refuses older versions, until it expires (live while now < expiresAt)...
      await store.set("t", tombstone(7, 300));
      expect(await store.setIfNewer("t", value(6, 0, "late"), 6, 299)).toBe(0);
      expect(await store.setIfNewer("t", value(6, 0, "late"), 6, 300)).toBe(1);
      // ...but it stands for its own version's commit: a fill of that very version replaces it.
      await store.set("u", tombstone(7, 300));
      expect(await store.setIfNewer("u", value(7, 0, "seven"), 7, 100)).toBe(1);
      expect(await store.get("u")).toBe(value(7, 0, "seven"));
      // A lease counts as absent.
      await store.set("l", lease(7, 0));
      expect(await store.setIfNewer("l", value(1, 0, "x"), 1, 5)).toBe(1);
      expect(await store.get("l")).toBe(value(1, 0, "x"));
      // An entry that never expires (0) stays live however late it is.
      expect(await store.setIfNewer("l", value(1, 0, "y"), 1, Number.MAX_SAFE_INTEGER)).toBe(0);
    });

    it("takeLease grants over nothing or expired things, says held, or hands back the live entry", async () => {
      const store = await open(kind);
      expect(await store.takeLease("k", 1, 100, 200)).toBe("granted");
      expect(await store.get("k")).toBe(lease(1, 200));
      expect(await store.takeLease("k", 2, 199, 400)).toBe("held");
      expect(await store.takeLease("k", 2, 200, 400)).toBe("granted");
      expect(await store.get("k")).toBe(lease(2, 400));
      await store.set("v", value(5, 1000, "hot"));
      expect(await store.takeLease("v", 3, 999, 2000)).toBe(value(5, 1000, "hot"));
      expect(await store.get("v")).toBe(value(5, 1000, "hot"));
      expect(await store.takeLease("v", 3, 1000, 2000)).toBe("granted");
      await store.set("n", value(2, 0, null));
      expect(await store.takeLease("n", 4, 1, 2)).toBe(value(2, 0, null));
      // A live tombstone is handed back too (the engine reads it as a miss it may not fill), no lease taken.
      await store.set("t", tombstone(9, 1000));
      expect(await store.takeLease("t", 5, 10, 20)).toBe(tombstone(9, 1000));
      expect(await store.get("t")).toBe(tombstone(9, 1000));
      expect(await store.takeLease("t", 5, 1000, 2000)).toBe("granted");
    });

    it("fillLease stores only for the holder of a live lease", async () => {
      const store = await open(kind);
      expect(await store.fillLease("k", 1, 0, value(1, 0, "x"))).toBe(0);
      expect(await store.get("k")).toBeNull();
      await store.takeLease("k", 1, 100, 200);
      expect(await store.fillLease("k", 99, 150, value(1, 0, "x"))).toBe(0);
      expect(await store.fillLease("k", 1, 200, value(1, 0, "x"))).toBe(0);
      expect(await store.fillLease("k", 1, 199, value(1, 0, "x"))).toBe(1);
      expect(await store.get("k")).toBe(value(1, 0, "x"));
      // Filled once: the lease is gone, a second fill is refused.
      expect(await store.fillLease("k", 1, 199, value(2, 0, "y"))).toBe(0);
      // A DEL in between voids the lease.
      await store.takeLease("d", 2, 0, 1000);
      await store.del("d");
      expect(await store.fillLease("d", 2, 10, value(1, 0, "old"))).toBe(0);
      expect(await store.get("d")).toBeNull();
      // A token is matched whole: 1 is not 12.
      await store.takeLease("p", 12, 0, 100);
      expect(await store.fillLease("p", 1, 1, value(1, 0, "x"))).toBe(0);
      expect(await store.fillLease("p", 12, 1, value(1, 0, "x"))).toBe(1);
    });

    it("publish resolves once the run's own subscriber has the message, several in flight at once", async () => {
      const store = await open(kind);
      // Each publish resolves (none rejects, none is left pending) and with no value: the message itself
      // goes to the run's subscriber, not back to the caller.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => Promise.resolve(store.publish(`User:${i}|${i}`))),
      );
      expect(answers).toEqual(Array.from({ length: 20 }, () => undefined));
      // And later ones, one at a time, over the subscription already standing.
      let settled = 0;
      for (let i = 0; i < 3; i++) {
        await store.publish(`late:${i}`);
        settled += 1;
      }
      expect(settled).toBe(3);
    });

    it("after close, publish rejects instead of waiting for ever", async () => {
      const store = await kind.open();
      await store.publish("first");
      await store.close();
      await expect(Promise.resolve(store.publish("after"))).rejects.toThrow();
    });
  });
}

describe("Deliveries", () => {
  it("matches arrivals to messages by sequence number, in any order, and ignores strangers", async () => {
    const deliveries = new Deliveries();
    const a = deliveries.send("x");
    const b = deliveries.send("x");
    expect(a.framed).toBe("0|x");
    expect(b.framed).toBe("1|x");
    const order: string[] = [];
    a.arrived.then(() => order.push("a"));
    b.arrived.then(() => order.push("b"));
    deliveries.received("7|not ours");
    deliveries.received("garbage");
    deliveries.received(b.framed);
    await b.arrived;
    expect(order).toEqual(["b"]);
    expect(deliveries.inFlight).toBe(1);
    deliveries.received(a.framed);
    await a.arrived;
    expect(order).toEqual(["b", "a"]);
  });

  it("fails every message in flight, and every later one, once the channel is gone", async () => {
    const deliveries = new Deliveries();
    const a = deliveries.send("x");
    deliveries.failAll(new Error("gone"));
    await expect(a.arrived).rejects.toThrow("gone");
    await expect(deliveries.send("y").arrived).rejects.toThrow("gone");
  });
});

// ---------------------------------------------------------------------------------------------------------
// Agreement on random operation sequences

type Op =
  | { op: "get" | "del"; key: string }
  | { op: "set"; key: string; entry: string }
  | { op: "setIfNewer"; key: string; entry: string; version: number; nowUs: number }
  | { op: "takeLease"; key: string; token: number; nowUs: number; leaseExpiresAtUs: number }
  | { op: "fillLease"; key: string; token: number; nowUs: number; entry: string };

const keyArb = fc.constantFrom("a", "b", "c");
// Few distinct keys, times and versions, so that sequences often meet the boundaries (now = expiry,
// equal versions) where a rule could be off by one.
const timeArb = fc.constantFrom(0, 5, 10, 15, 20, 25, 30, 35);
const versionArb = fc.integer({ min: 1, max: 4 });
const tokenArb = fc.constantFrom(1, 2, 12);
const entryArb = fc.oneof(
  fc
    .tuple(versionArb, fc.constantFrom(0, 10, 20, 30), fc.constantFrom(null, "v", "w|x"))
    .map(([v, e, t]) => value(v, e, t)),
  fc.tuple(versionArb, fc.constantFrom(0, 15, 25)).map(([v, e]) => tombstone(v, e)),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("get" as const), key: keyArb }),
  fc.record({ op: fc.constant("del" as const), key: keyArb }),
  fc.record({ op: fc.constant("set" as const), key: keyArb, entry: entryArb }),
  fc.record({
    op: fc.constant("setIfNewer" as const),
    key: keyArb,
    entry: entryArb,
    version: versionArb,
    nowUs: timeArb,
  }),
  fc.record({
    op: fc.constant("takeLease" as const),
    key: keyArb,
    token: tokenArb,
    nowUs: timeArb,
    leaseExpiresAtUs: fc.constantFrom(0, 10, 20, 35),
  }),
  fc.record({
    op: fc.constant("fillLease" as const),
    key: keyArb,
    token: tokenArb,
    nowUs: timeArb,
    entry: entryArb,
  }),
);

/** Runs the ops in order, each awaited, and returns every answer plus every key's final content. */
async function replay(store: CacheStore, ops: Op[], namespace: string): Promise<unknown[]> {
  const answers: unknown[] = [];
  const k = (key: string) => `${namespace}:${key}`;
  for (const o of ops) {
    switch (o.op) {
      case "get":
        answers.push(await store.get(k(o.key)));
        break;
      case "del":
        answers.push(await store.del(k(o.key)));
        break;
      case "set":
        answers.push(await store.set(k(o.key), o.entry));
        break;
      case "setIfNewer":
        answers.push(await store.setIfNewer(k(o.key), o.entry, o.version, o.nowUs));
        break;
      case "takeLease":
        answers.push(await store.takeLease(k(o.key), o.token, o.nowUs, o.leaseExpiresAtUs));
        break;
      case "fillLease":
        answers.push(await store.fillLease(k(o.key), o.token, o.nowUs, o.entry));
        break;
    }
  }
  for (const key of ["a", "b", "c"]) answers.push(await store.get(k(key)));
  return answers.map((answer) => answer ?? null);
}

/** The Lua scripts themselves, run by ioredis-mock's embedded Lua (slow: a fresh VM per call). */
class MockLuaStore {
  private readonly redis: InstanceType<typeof RedisMock> & ScriptCommands;
  constructor() {
    this.redis = new RedisMock({ host: `lua-twin-${newRunId()}` }) as InstanceType<typeof RedisMock> &
      ScriptCommands;
    for (const script of CACHE_SCRIPTS)
      this.redis.defineCommand(script.name, { numberOfKeys: 1, lua: script.lua });
  }
  asStore(): CacheStore {
    const r = this.redis;
    return {
      description: "lua twin",
      get: (key) => r.get(key),
      set: async (key, v) => {
        await r.set(key, v);
      },
      del: async (key) => {
        await r.del(key);
      },
      setIfNewer: (key, entry, version, nowUs) =>
        r.cachesimSetIfNewer(key, entry, version, nowUs, 0).then(Number),
      takeLease: (key, token, nowUs, until) => r.cachesimTakeLease(key, token, nowUs, until, 0).then(String),
      fillLease: (key, token, nowUs, entry) => r.cachesimFillLease(key, token, nowUs, entry, 0).then(Number),
      publish: async () => {},
      locate: () => null,
      close: async () => r.disconnect(),
    };
  }
}

describe("the in-process rules and the Lua scripts agree", () => {
  it("on random operation sequences (the scripts run in ioredis-mock's Lua, no server needed)", async () => {
    const memory = new MemoryCacheStore();
    const lua = new MockLuaStore().asStore();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 16 }), async (ops) => {
        const namespace = `p${run++}`;
        expect(await replay(lua, ops, namespace)).toEqual(await replay(memory, ops, namespace));
      }),
      { numRuns: 40, seed: 7 },
    );
    await memory.close();
    await lua.close();
  }, 60_000);
});

for (const kind of kinds.slice(1)) {
  describe.skipIf(!kind.configured)(`the in-process store and ${kind.name} agree`, () => {
    it("on random operation sequences: every answer and every final entry", async () => {
      const memory = new MemoryCacheStore();
      const live = await open(kind);
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
          const namespace = `p${run++}`;
          expect(await replay(live, ops, namespace)).toEqual(await replay(memory, ops, namespace));
        }),
        { numRuns: 60, seed: 11 },
      );
      await memory.close();
    }, 120_000);
  });
}
