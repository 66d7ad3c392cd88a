// Guards the live Redis store: namespace isolation and cleanup, command order, Cluster placement, and clear, secret-free failures.
import { mkdtempSync, rmSync } from "node:fs";
import type net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BackendError } from "../sim/backends/live/backendError.ts";
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  newRunId,
  parseRedisConfig,
  type RedisConfig,
} from "../sim/backends/live/config.ts";
import { runDoctor } from "../sim/backends/live/doctor.ts";
import { type LiveRedisOptions, LiveRedisStore } from "../sim/backends/live/liveRedisStore.ts";
import { openLiveBackends } from "../sim/backends/live/openLive.ts";
import { loadBetterSqlite3 } from "../sim/backends/live/sqliteFileStore.ts";
import { closedPort, listenOnLoopback } from "./support/loopback.ts";

const STANDALONE_URL = process.env.CACHESIM_TEST_REDIS_URL;
const CLUSTER_NODES = process.env.CACHESIM_TEST_REDIS_CLUSTER_NODES;
const START_HINT = 'start them with: eval "$(bash .ci/services.sh start)"';
if (!STANDALONE_URL)
  console.warn(`live Redis tests skipped: CACHESIM_TEST_REDIS_URL is not set; ${START_HINT}`);
if (!CLUSTER_NODES) {
  console.warn(
    `live Redis Cluster tests skipped: CACHESIM_TEST_REDIS_CLUSTER_NODES is not set; ${START_HINT}`,
  );
}

const options = (overrides: Partial<LiveRedisOptions> = {}): LiveRedisOptions => ({
  runId: newRunId(),
  safetyTtlMs: 60_000,
  connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  ...overrides,
});

function config(env: NodeJS.ProcessEnv): RedisConfig {
  const parsed = parseRedisConfig(env);
  if (!parsed) throw new Error("test config without Redis");
  return parsed;
}

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

// ---------------------------------------------------------------------------------------------------------
// Loopback stand-ins for broken servers

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: (socket: net.Socket) => void): Promise<number> {
  const { port, stop } = await listenOnLoopback(handler);
  cleanups.push(stop);
  return port;
}

/** Accepts connections and never says a word, like a host behind a black-holing firewall rule. */
const silentServer = () => listen(() => {});

/** Answers every command with an error line, like a server that wants a password. */
const errorServer = (line: string) =>
  listen((socket) => {
    socket.on("data", (chunk) => {
      const commands = chunk.toString("latin1").match(/(^|\r\n)\*\d+\r\n/g)?.length ?? 1;
      socket.write(`-${line}\r\n`.repeat(commands));
    });
  });

describe("Redis failures at start (no server needed)", () => {
  it("names the address of a server that refuses, within a few seconds, without the password", async () => {
    const port = await closedPort();
    const startedMs = Date.now();
    const error = await rejection(
      LiveRedisStore.open(config({ REDIS_URL: `redis://bob:RefusedPw1@127.0.0.1:${port}` }), options()),
    );
    expect(Date.now() - startedMs).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS);
    expect(error.code).toBe("ECONNREFUSED");
    expect(error.backend).toBe("redis");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain("connection refused");
    expect(error.message).not.toContain("RefusedPw1");
  });

  it("gives up on a server that never answers after the connect timeout (default 3 s)", async () => {
    const port = await silentServer();
    const startedMs = Date.now();
    const error = await rejection(
      LiveRedisStore.open(config({ REDIS_URL: `redis://:SilentPw2@127.0.0.1:${port}` }), options()),
    );
    const elapsedMs = Date.now() - startedMs;
    expect(elapsedMs).toBeGreaterThanOrEqual(DEFAULT_CONNECT_TIMEOUT_MS - 100);
    expect(elapsedMs).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS + 1500);
    expect(error.code).toBe("ETIMEDOUT");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain("SilentPw2");
  });

  it("gives up on a Cluster whose seeds refuse or never answer", async () => {
    const refused = await closedPort();
    const silent = await silentServer();
    const startedMs = Date.now();
    const error = await rejection(
      LiveRedisStore.open(
        config({
          REDIS_CLUSTER_NODES: `127.0.0.1:${refused},127.0.0.1:${silent}`,
          REDIS_PASSWORD: "ClusterPw3",
        }),
        options({ connectTimeoutMs: 1000 }),
      ),
    );
    // The connect timeout, then at most 1.5 s more to ask each seed what is wrong with it.
    expect(Date.now() - startedMs).toBeLessThan(1000 + 1500 + 1000);
    expect(["ECONNREFUSED", "ETIMEDOUT"]).toContain(error.code);
    expect(error.message).toContain(`127.0.0.1:${refused}: connection refused`);
    expect(error.message).toContain(`127.0.0.1:${silent}: no answer`);
    expect(error.message).not.toContain("ClusterPw3");
  });

  it("says when the server wants a password (NOAUTH)", async () => {
    const port = await errorServer("NOAUTH Authentication required.");
    const error = await rejection(
      LiveRedisStore.open(config({ REDIS_URL: `redis://127.0.0.1:${port}` }), options()),
    );
    expect(error.code).toBe("NOAUTH");
    expect(error.message).toContain("REDIS_PASSWORD");
  });

  it("says when the password is wrong (WRONGPASS), without repeating it", async () => {
    const port = await errorServer("WRONGPASS invalid username-password pair or user is disabled.");
    const error = await rejection(
      LiveRedisStore.open(config({ REDIS_URL: `redis://eve:WrongPw4@127.0.0.1:${port}` }), options()),
    );
    expect(error.code).toBe("WRONGPASS");
    expect(error.message).not.toContain("WrongPw4");
  });
});

// ---------------------------------------------------------------------------------------------------------
// Against a real standalone server

/** Ids of the connections named `cachesim` on a server (the name the store gives its connections). */
async function cachesimClientIds(raw: Redis): Promise<Set<string>> {
  const list = String(await raw.client("LIST"));
  return new Set(
    list
      .split("\n")
      .filter((line) => / name=cachesim /.test(line))
      .map((line) => /^id=(\d+)/.exec(line)?.[1] ?? ""),
  );
}

async function scanCount(raw: Redis, pattern: string): Promise<number> {
  let cursor = "0";
  let count = 0;
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== "0");
  return count;
}

describe.skipIf(!STANDALONE_URL)(
  STANDALONE_URL
    ? "live Redis (standalone)"
    : `live Redis (standalone) — skipped: set CACHESIM_TEST_REDIS_URL; ${START_HINT}`,
  () => {
    const env = { REDIS_URL: STANDALONE_URL };
    const raw = STANDALONE_URL
      ? new Redis(STANDALONE_URL, { lazyConnect: true })
      : (null as unknown as Redis);
    afterAll(() => raw?.disconnect());

    it("stores, reads and deletes under the run's own prefix; locate() is null", async () => {
      const store = await LiveRedisStore.open(config(env), options());
      try {
        expect(store.description).toBe(config(env).description);
        expect(store.prefix).toMatch(/^cachesim:[0-9a-f]{12}:$/);
        expect(await store.get("node_a:User:1")).toBeNull();
        await store.set("node_a:User:1", "v1");
        expect(await raw.get(`${store.prefix}node_a:User:1`)).toBe("v1");
        expect(await store.get("node_a:User:1")).toBe("v1");
        await store.del("node_a:User:1");
        expect(await store.get("node_a:User:1")).toBeNull();
        expect(store.locate("node_a:User:1")).toBeNull();
      } finally {
        await store.close();
      }
    });

    it("runs commands in the order issued, without awaiting in between", async () => {
      const store = await LiveRedisStore.open(config(env), options());
      try {
        const reads: Array<Promise<string | null>> = [];
        const writes: Array<Promise<void>> = [];
        for (let i = 0; i < 500; i++) {
          writes.push(store.set("k", `v${i}`));
          reads.push(store.get("k"));
          if (i % 50 === 0) writes.push(store.del("k"));
          if (i % 50 === 0) reads.push(store.get("k"));
        }
        const values = await Promise.all(reads);
        await Promise.all(writes);
        const expected: Array<string | null> = [];
        for (let i = 0; i < 500; i++) {
          expected.push(`v${i}`);
          if (i % 50 === 0) expected.push(null);
        }
        expect(values).toEqual(expected);
      } finally {
        await store.close();
      }
    });

    it("removes exactly its own keys at close and leaves every other key alone", async () => {
      const other = `cachesim:${newRunId()}:other-run-key`;
      await raw.set("cachesim-test:unrelated", "keep me");
      await raw.set(other, "keep me too");
      const store = await LiveRedisStore.open(config(env), options());
      try {
        const writes: Array<Promise<void>> = [];
        for (let i = 0; i < 1200; i++) writes.push(store.set(`node_${i % 3}:User:${i}`, `value ${i}`));
        await Promise.all(writes);
        expect(await scanCount(raw, `${store.prefix}*`)).toBe(1200);
        expect(store.writtenKeyCount).toBe(1200);
      } finally {
        await store.close();
        await store.close();
      }
      expect(await scanCount(raw, `${store.prefix}*`)).toBe(0);
      expect(await raw.get("cachesim-test:unrelated")).toBe("keep me");
      expect(await raw.get(other)).toBe("keep me too");
      await raw.del("cachesim-test:unrelated", other);
    });

    it("sets a generous real expiry as a safety net, or none when disabled", async () => {
      const withTtl = await LiveRedisStore.open(config(env), options({ safetyTtlMs: 3_600_000 }));
      const withoutTtl = await LiveRedisStore.open(config(env), options({ safetyTtlMs: 0 }));
      try {
        await withTtl.set("a", "1");
        await withoutTtl.set("a", "1");
        const ttlMs = await raw.pttl(`${withTtl.prefix}a`);
        expect(ttlMs).toBeGreaterThan(3_500_000);
        expect(ttlMs).toBeLessThanOrEqual(3_600_000);
        expect(await raw.pttl(`${withoutTtl.prefix}a`)).toBe(-1);
      } finally {
        await withTtl.close();
        await withoutTtl.close();
      }
    });

    it("fails the run with a BackendError when the connection drops, and still removes its keys", async () => {
      const before = await cachesimClientIds(raw);
      const store = await LiveRedisStore.open(config(env), options());
      const mine = [...(await cachesimClientIds(raw))].filter((id) => !before.has(id));
      expect(mine).toHaveLength(1);
      await store.set("survivor", "x");
      const inFlight = Array.from({ length: 50 }, (_, i) => store.get(`k${i}`));
      await raw.client("KILL", "ID", mine[0] as string);
      const afterDrop = await rejection(store.get("survivor"));
      expect(afterDrop.message).toContain("lost redis");
      expect(afterDrop.message).toContain(config(env).description);
      // Every command settles: answered before the drop, or rejected with the run's BackendError.
      for (const result of await Promise.allSettled(inFlight)) {
        if (result.status === "rejected") expect(result.reason).toBeInstanceOf(BackendError);
      }
      // Later calls fail at once with the same error, rather than hanging or reconnecting.
      expect(await rejection(store.set("late", "x"))).toBe(afterDrop);
      expect(store.failed).toBe(afterDrop);
      await store.close();
      expect(await raw.exists(`${store.prefix}survivor`)).toBe(0);
    });

    it("reports a wrong password as WRONGPASS, without the password", async () => {
      const url = new URL(STANDALONE_URL as string);
      url.username = "cachesim_no_such_user";
      url.password = "NotThePw5";
      const error = await rejection(LiveRedisStore.open(config({ REDIS_URL: url.toString() }), options()));
      expect(error.code).toBe("WRONGPASS");
      expect(error.message).not.toContain("NotThePw5");
    });

    it("refuses a Cluster URL that points at a standalone server", async () => {
      const error = await rejection(
        LiveRedisStore.open(
          config({ REDIS_URL: (STANDALONE_URL as string).replace("redis://", "redis+cluster://") }),
          options(),
        ),
      );
      expect(error.code).toBe("NOT_CLUSTER");
    });

    it("doctor says it works and exits 0", async () => {
      const lines: string[] = [];
      const dir = mkdtempSync(path.join(tmpdir(), "cachesim-doctor-"));
      try {
        const code = await runDoctor(
          { ...env, SQLITE_URL: path.join(dir, "doctor.sqlite") },
          (line) => lines.push(line),
          {
            cwd: dir,
          },
        );
        const output = lines.join("\n");
        const sqliteAvailable = await loadBetterSqlite3().then(
          () => true,
          () => false,
        );
        expect(output).toContain("ok    connected and authenticated");
        expect(output).toContain("ok    wrote, read and deleted a key");
        if (sqliteAvailable) expect(code, output).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("openLiveBackends opens both stores and closes them cleanly", async (context) => {
      const sqliteAvailable = await loadBetterSqlite3().then(
        () => true,
        () => false,
      );
      if (!sqliteAvailable) context.skip("better-sqlite3 is not installed");
      const dir = mkdtempSync(path.join(tmpdir(), "cachesim-live-"));
      try {
        const backends = await openLiveBackends(env, { cwd: dir });
        const cache = backends.cache as LiveRedisStore;
        try {
          await backends.records.seed([["User:1", "alice"]]);
          expect(await backends.records.write("User:1", "bob")).toBe(2);
          await backends.cache.set("node_a:User:1", "bob");
          expect(await backends.cache.get("node_a:User:1")).toBe("bob");
          expect(backends.records.description).toBe(`sqlite ${path.join("reports", "live.sqlite")}`);
        } finally {
          await backends.cache.close();
          await backends.records.close();
        }
        expect(await scanCount(raw, `${cache.prefix}*`)).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------------------
// Against a real Redis Cluster

describe.skipIf(!CLUSTER_NODES)(
  CLUSTER_NODES
    ? "live Redis Cluster"
    : `live Redis Cluster — skipped: set CACHESIM_TEST_REDIS_CLUSTER_NODES; ${START_HINT}`,
  () => {
    const env = { REDIS_CLUSTER_NODES: CLUSTER_NODES };
    const seeds = (CLUSTER_NODES ?? "").split(",");
    const direct = new Map<string, Redis>();
    /** A plain connection to one node: it answers only for keys in its own slots (MOVED for the rest). */
    const node = (address: string): Redis => {
      let client = direct.get(address);
      if (!client) {
        const [host, port] = address.split(":");
        client = new Redis({ host, port: Number(port), lazyConnect: true });
        direct.set(address, client);
      }
      return client;
    };
    afterAll(() => {
      for (const client of direct.values()) client.disconnect();
    });

    async function masters(): Promise<string[]> {
      const text = String(await node(seeds[0] as string).cluster("NODES"));
      return text
        .split("\n")
        .filter((line) => line.includes("master") && !line.includes("fail"))
        .map((line) => (line.split(" ")[1] ?? "").split("@")[0] ?? "")
        .sort();
    }

    it("locate() names the real node that holds each key, and keys spread over the nodes", async () => {
      const store = await LiveRedisStore.open(config(env), options());
      const nodes = await masters();
      try {
        const seen = new Set<string>();
        for (let i = 0; i < 60; i++) {
          const key = `node_${i % 3}:User:${i}`;
          await store.set(key, `v${i}`);
          const owner = store.locate(key);
          expect(nodes).toContain(owner);
          seen.add(owner as string);
          // The node locate() names answers for the key itself, without a redirection.
          expect(await node(owner as string).get(`${store.prefix}${key}`)).toBe(`v${i}`);
        }
        expect(seen.size).toBe(nodes.length);
      } finally {
        await store.close();
      }
    });

    it("removes its keys from every node at close and leaves other keys alone", async () => {
      const nodes = await masters();
      const other = `cachesim:${newRunId()}:someone-else`;
      const store = await LiveRedisStore.open(config(env), options());
      const clusterRaw = new Redis.Cluster(
        seeds.map((s) => ({ host: s.split(":")[0], port: Number(s.split(":")[1]) })),
      );
      try {
        await clusterRaw.set(other, "keep");
        await clusterRaw.set("cachesim-test:unrelated", "keep");
        const writes: Array<Promise<void>> = [];
        for (let i = 0; i < 700; i++) writes.push(store.set(`k${i}`, `${i}`));
        await Promise.all(writes);
        let total = 0;
        for (const address of nodes) total += await scanCount(node(address), `${store.prefix}*`);
        expect(total).toBe(700);
        await store.close();
        for (const address of nodes) expect(await scanCount(node(address), `${store.prefix}*`)).toBe(0);
        expect(await clusterRaw.get(other)).toBe("keep");
        expect(await clusterRaw.get("cachesim-test:unrelated")).toBe("keep");
      } finally {
        await store.close();
        await clusterRaw.del(other);
        await clusterRaw.del("cachesim-test:unrelated");
        clusterRaw.disconnect();
      }
    });

    it("fails the run with a BackendError when a node's connection drops, and still cleans up", async () => {
      const nodes = await masters();
      const before = new Map<string, Set<string>>();
      for (const address of nodes) before.set(address, await cachesimClientIds(node(address)));
      const store = await LiveRedisStore.open(config(env), options());
      // Touch every node, so that the store has a connection to each.
      const byNode = new Map<string, string>();
      for (let i = 0; byNode.size < nodes.length && i < 200; i++) {
        const owner = store.locate(`k${i}`) as string;
        if (!byNode.has(owner)) {
          byNode.set(owner, `k${i}`);
          await store.set(`k${i}`, "x");
        }
      }
      const victim = nodes[1] as string;
      const mine = [...(await cachesimClientIds(node(victim)))].filter((id) => !before.get(victim)?.has(id));
      expect(mine.length).toBeGreaterThan(0);
      for (const id of mine) await node(victim).client("KILL", "ID", id);
      const error = await rejection(store.get(byNode.get(victim) as string));
      expect(error.message).toContain("lost redis cluster");
      // The whole run fails, not only the keys of the lost node.
      expect(await rejection(store.get(byNode.get(nodes[0] as string) as string))).toBe(error);
      await store.close();
      for (const address of nodes) expect(await scanCount(node(address), `${store.prefix}*`)).toBe(0);
    });

    it("refuses a standalone URL that points at a Cluster node", async () => {
      const error = await rejection(
        LiveRedisStore.open(config({ REDIS_URL: `redis://${seeds[0]}` }), options()),
      );
      expect(error.code).toBe("IS_CLUSTER");
      expect(error.message).toContain("redis+cluster://");
    });

    it("doctor checks cluster_state and every master", async () => {
      const lines: string[] = [];
      const dir = mkdtempSync(path.join(tmpdir(), "cachesim-doctor-"));
      try {
        await runDoctor(env, (line) => lines.push(line), { cwd: dir });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const output = lines.join("\n");
      expect(output).toContain("cluster_state:ok");
      for (const address of await masters()) expect(output).toContain(`master ${address}: slots`);
      expect(output).toMatch(/wrote, read and deleted a key on each of \d+ masters/);
    });
  },
);
