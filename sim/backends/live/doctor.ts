// `cachesim doctor`: checks each live backend that the environment (and .env) configures, and says in
// plain words what works and what is wrong, before a run finds out the hard way. Every check really talks
// to the server (connect, authenticate, write, read, delete in its own namespace) because a server that
// accepts connections can still refuse writes. Exit code 0 when Redis is configured and every configured
// backend works, else 1 (a live run cannot go without Redis, so "nothing configured" is not a pass).
import path from "node:path";
import { Cluster } from "ioredis";
import { BackendError } from "./backendError.ts";
import {
  DEFAULT_SQLITE_PATH,
  explainRedisConfig,
  type LiveOptions,
  loadEnv,
  newRunId,
  parseLiveOptions,
  parseRedisConfig,
  parseSqliteConfig,
  type RedisConfig,
  redisPrefix,
  type SqliteConfig,
} from "./config.ts";
import {
  classifyRedisError,
  connectRedis,
  explainRedisError,
  nodeForKey,
  type RedisClient,
} from "./liveRedisStore.ts";
import { redact } from "./redact.ts";
import { SqliteCloudStore } from "./sqliteCloudStore.ts";
import { SqliteFileStore } from "./sqliteFileStore.ts";

type Out = (line: string) => void;

const OK = "  ok    ";
const FAIL = "  FAIL  ";
const NOTE = "  note  ";
const INFO = "        ";

function failLine(out: Out, error: unknown): void {
  const message = error instanceof BackendError ? error.message : String((error as Error)?.message ?? error);
  out(FAIL + redact(message));
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

const SET_VARIABLES = [
  "REDIS_URL",
  "REDIS_CLUSTER_NODES",
  "REDIS_PORT",
  "REDIS_USERNAME",
  "REDIS_PASSWORD",
  "REDIS_TLS",
  "SQLITE_URL",
  "SQLLITE_URL",
  "CACHESIM_KEEP_TABLE",
  "CACHESIM_REDIS_SAFETY_TTL_MS",
  "CACHESIM_REDIS_AUTOPIPELINING",
  "CACHESIM_CONNECT_TIMEOUT_MS",
  "CACHESIM_COMMAND_TIMEOUT_MS",
];

export interface DoctorOptions {
  /** Where `.env` is read and a relative SQLite path resolved; the working directory by default. */
  cwd?: string;
  /** What the launcher runs (sim/bin/sourceStamp.js's buildState); no build line when not given. */
  build?: string;
  /** What became of V8's code cache for the compiled command line (core/v8CodeCache.ts); no line when not given. */
  codeCache?: string;
}

/** Where the launcher (sim/bin/cachesim.js) leaves its buildState; the same key as sourceStamp.js's. */
export const BUILD_STATE_KEY = Symbol.for("cachesim.buildState");

const CODE_CACHE_LINES: Record<string, string> = {
  used: "start-up: V8's code cache for dist/cli.cjs was used",
  absent:
    "start-up: no V8 code cache for dist/cli.cjs yet; this command writes it as it ends, if dist/ can be written",
  rejected:
    "start-up: V8 rejected the code cache for dist/cli.cjs (another Node, V8 flags or build); this command writes it again as it ends, if dist/ can be written",
};

/** What the launcher's buildState means, and what to do about it when dist/ is not what runs. */
const BUILD_LINES: Record<string, { what: string; note?: string }> = {
  current: { what: "dist/, compiled from today's sources" },
  package: { what: "dist/ of the installed package" },
  forced: {
    what: "the TypeScript sources through tsx, as CACHESIM_FROM_SOURCE=1 asks",
    note: "slower than dist/ to start and to run, and with more memory: leave it unset to measure speed",
  },
  missing: {
    what: "the TypeScript sources through tsx: dist/ has not been built",
    note: "slower than a build to start and to run, and with more memory: `npm run build` makes dist/",
  },
  stale: {
    what: "the TypeScript sources through tsx: dist/ was compiled from other sources than today's",
    note: "slower than a build to start and to run, and with more memory: `npm run build` brings dist/ up to date",
  },
};

function buildLines(state: string, out: Out): void {
  const line = BUILD_LINES[state];
  if (line === undefined) return;
  out(`build: ${line.what}`);
  if (line.note !== undefined) out(NOTE + line.note);
}

export async function runDoctor(
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  options: DoctorOptions = {},
): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  let problems = 0;
  out("cachesim doctor: checking the live backends");
  if (options.build !== undefined) buildLines(options.build, out);
  const codeCacheLine = options.codeCache === undefined ? undefined : CODE_CACHE_LINES[options.codeCache];
  if (codeCacheLine !== undefined) out(codeCacheLine);

  let merged: NodeJS.ProcessEnv;
  try {
    const loaded = loadEnv(env, cwd);
    merged = loaded.env;
    if (loaded.envFile) {
      const shadowed = loaded.shadowed.length
        ? `; already set in the environment, so not taken from the file: ${loaded.shadowed.join(", ")}`
        : "";
      out(`.env: read ${loaded.envFile}${shadowed}`);
    } else {
      out(`.env: none in ${cwd} (settings come from the environment only)`);
    }
  } catch (error) {
    failLine(out, error);
    merged = { ...env };
    problems++;
  }
  const set = SET_VARIABLES.filter((name) => merged[name]?.trim());
  out(
    `settings: ${set.length ? set.map((name) => (name === "REDIS_PASSWORD" ? `${name} (hidden)` : name)).join(", ") : "none"}`,
  );

  let liveOptions: LiveOptions;
  try {
    liveOptions = parseLiveOptions(merged);
  } catch (error) {
    failLine(out, error);
    problems++;
    liveOptions = parseLiveOptions({});
  }

  out("");
  problems += await checkRedis(merged, liveOptions, out);
  out("");
  problems += await checkSqlite(merged, liveOptions, cwd, out);
  out("");
  if (problems === 0) {
    out("result: every configured backend works — `cachesim run <scenario> --live` can use them");
  } else {
    out(`result: ${problems} problem${problems === 1 ? "" : "s"} — see FAIL above`);
  }
  return problems === 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------------------
// Redis

async function checkRedis(env: NodeJS.ProcessEnv, options: LiveOptions, out: Out): Promise<number> {
  let config: RedisConfig | null;
  try {
    config = parseRedisConfig(env);
  } catch (error) {
    out("Redis");
    failLine(out, error);
    return 1;
  }
  if (!config) {
    out("Redis: not configured");
    out(
      `${FAIL}a live run needs it: set REDIS_URL (a host, host:port, redis://host:port, rediss:// for TLS) or REDIS_CLUSTER_NODES=host:port,… for a Cluster, in the environment or in .env`,
    );
    return 1;
  }
  out(
    `Redis (${config.source}): ${config.description}${config.username ? ` as user ${config.username}` : ""}`,
  );
  for (const line of explainRedisConfig(config)) out(`${INFO}${line}`);
  const node = config.nodes[0];
  if (config.password && !config.tls && node && !isLoopback(node.host)) {
    out(`${NOTE}the password travels unencrypted to a remote host; use rediss:// if the server offers TLS`);
  }

  const startedMs = Date.now();
  let client: RedisClient;
  try {
    client = await connectRedis(config, options);
  } catch (error) {
    failLine(out, error);
    return 1;
  }
  try {
    const elapsedMs = Date.now() - startedMs;
    const info = String(await firstNode(client).info("server"));
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown version";
    out(`${OK}connected and authenticated in ${elapsedMs} ms (Redis ${version}, ${config.mode})`);
    if (client instanceof Cluster) await describeCluster(client, out);
    await probeWrites(client, config, out);
    return 0;
  } catch (error) {
    failLine(out, explainRedisError(error, config));
    return 1;
  } finally {
    client.disconnect();
  }
}

function firstNode(client: RedisClient) {
  if (!(client instanceof Cluster)) return client;
  const node = client.nodes("master")[0];
  if (!node) throw new Error("the cluster has no master node");
  return node;
}

async function describeCluster(client: Cluster, out: Out): Promise<void> {
  const info = String(await firstNode(client).cluster("INFO"));
  const field = (name: string) => new RegExp(`${name}:(\\S+)`).exec(info)?.[1] ?? "?";
  out(
    `${OK}cluster_state:${field("cluster_state")}, ${field("cluster_slots_assigned")} of 16384 slots assigned, ` +
      `${field("cluster_known_nodes")} known nodes`,
  );
  // Slot ranges per master, from the client's own slot table: the same table locate() reads.
  const ranges = new Map<string, Array<[number, number]>>();
  client.slots.forEach((nodes, slot) => {
    const key = nodes?.[0];
    if (!key) return;
    const list = ranges.get(key) ?? [];
    const last = list[list.length - 1];
    if (last && last[1] === slot - 1) last[1] = slot;
    else list.push([slot, slot]);
    ranges.set(key, list);
  });
  for (const [address, list] of [...ranges].sort()) {
    out(`${OK}master ${address}: slots ${list.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(", ")}`);
  }
}

/** Writes, reads back and deletes a key on every master (one key per server on a Cluster). */
async function probeWrites(client: RedisClient, config: RedisConfig, out: Out): Promise<void> {
  const prefix = `${redisPrefix(`doctor-${newRunId()}`)}probe:`;
  const keys: string[] = [];
  if (client instanceof Cluster) {
    // One key per master, found by trying names until every master holding slots owns one.
    const wanted = new Set(client.slots.map((nodes) => nodes?.[0]).filter((node): node is string => !!node));
    for (let i = 0; wanted.size > 0 && i < 5000; i++) {
      const key = `${prefix}${i}`;
      const owner = nodeForKey(client, key);
      if (owner && wanted.has(owner)) {
        wanted.delete(owner);
        keys.push(key);
      }
    }
  } else {
    keys.push(`${prefix}0`);
  }
  try {
    for (const key of keys) {
      await client.set(key, "ok", "PX", 60_000);
      const back = await client.get(key);
      if (back !== "ok") throw new Error(`wrote 'ok' to ${key} but read back ${JSON.stringify(back)}`);
    }
    const where = client instanceof Cluster ? ` on each of ${keys.length} masters` : "";
    out(
      `${OK}wrote, read and deleted a key${where} under ${prefix.replace(/probe:$/, "")}* (nothing else touched)`,
    );
  } catch (error) {
    const { text } = classifyRedisError(error, config);
    throw new BackendError(`${config.description}: connected, but a write failed: ${text}`, {
      backend: "redis",
      address: config.description,
      code: "WRITE_FAILED",
    });
  } finally {
    await Promise.allSettled(keys.map((key) => client.del(key)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// System of record

async function checkSqlite(
  env: NodeJS.ProcessEnv,
  options: LiveOptions,
  cwd: string,
  out: Out,
): Promise<number> {
  let config: SqliteConfig;
  try {
    config = parseSqliteConfig(env);
  } catch (error) {
    out("System of record");
    failLine(out, error);
    return 1;
  }
  const from =
    config.source === "default"
      ? `SQLITE_URL not set, so the default file ${DEFAULT_SQLITE_PATH}`
      : config.source === "SQLLITE_URL"
        ? "SQLLITE_URL (the older spelling; SQLITE_URL is preferred)"
        : "SQLITE_URL";
  out(`System of record (${from}): ${config.description}`);
  if (config.kind === "file") {
    out(`${INFO}target: the SQLite file ${path.resolve(cwd, config.path)} (created if missing)`);
  } else {
    out(
      `${INFO}target: SQLite Cloud, host ${config.host}, port ${config.port}, database ${config.database} (credentials hidden)`,
    );
  }
  const runId = `doctor${newRunId()}`;
  try {
    if (config.kind === "file") {
      const store = await SqliteFileStore.open(config, { runId, keepTable: false, cwd });
      try {
        out(`${OK}better-sqlite3 loads; ${store.file} opens for writing`);
        await exercise(store);
        out(`${OK}created a table, wrote, read and dropped it`);
        const others = store.otherRunTables();
        if (others.length > 0) {
          const shown = others.slice(0, 5).join(", ") + (others.length > 5 ? ", …" : "");
          out(
            `${NOTE}${others.length} table(s) of earlier runs in the file (kept with CACHESIM_KEEP_TABLE=1, or left by a killed run): ${shown}`,
          );
        }
      } finally {
        await store.close();
      }
    } else {
      const startedMs = Date.now();
      const store = await SqliteCloudStore.open(config, {
        runId,
        keepTable: false,
        connectTimeoutMs: options.connectTimeoutMs,
      });
      try {
        out(`${OK}connected and authenticated in ${Date.now() - startedMs} ms`);
        await exercise(store);
        out(`${OK}created a table, wrote, read and dropped it`);
      } finally {
        await store.close();
      }
    }
    return 0;
  } catch (error) {
    failLine(out, error);
    return 1;
  }
}

/** One seed, one write and two reads, checked: a store that connects but answers wrongly is not working. */
async function exercise(store: SqliteFileStore | SqliteCloudStore): Promise<void> {
  await store.seed([["doctor:a", "1"]]);
  const version = await store.write("doctor:a", "2");
  const record = await store.read("doctor:a");
  const missing = await store.read("doctor:none");
  if (version !== 2 || record.value !== "2" || record.version !== 2 || missing.version !== 0) {
    throw new BackendError(
      `${store.description}: unexpected answers (write returned version ${version}, read ${JSON.stringify(record)})`,
      { backend: store instanceof SqliteFileStore ? "sqlite" : "sqlitecloud", code: "WRONG_ANSWER" },
    );
  }
}
