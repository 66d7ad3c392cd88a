// Guards live-mode configuration without any server: URL parsing, .env handling and that secrets never reach a message.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BackendError, importOptional } from "../sim/backends/live/backendError.ts";
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SAFETY_TTL_MS,
  DEFAULT_SQLITE_PATH,
  explainRedisConfig,
  loadEnv,
  newRunId,
  parseLiveOptions,
  parseRedisConfig,
  parseSqliteConfig,
  type RedisConfig,
  redisPrefix,
  runTableName,
} from "../sim/backends/live/config.ts";
import { runDoctor } from "../sim/backends/live/doctor.ts";
import { openLiveBackends } from "../sim/backends/live/openLive.ts";
import { redact, registerSecret } from "../sim/backends/live/redact.ts";
import { closedPort } from "./support/loopback.ts";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cachesim-config-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): BackendError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BackendError);
    return error as BackendError;
  }
  throw new Error("expected a BackendError");
}

describe("parseRedisConfig", () => {
  it("returns null when Redis is not configured", () => {
    expect(parseRedisConfig({})).toBeNull();
    expect(parseRedisConfig({ REDIS_URL: "  " })).toBeNull();
  });

  it("reads a standalone URL with defaults", () => {
    const config = parseRedisConfig({ REDIS_URL: "redis://127.0.0.1" });
    expect(config).toMatchObject({
      mode: "standalone",
      nodes: [{ host: "127.0.0.1", port: 6379 }],
      tls: false,
      db: 0,
      username: undefined,
      password: undefined,
      description: "redis 127.0.0.1:6379",
      source: "REDIS_URL",
    });
  });

  it("takes REDIS_PORT for an address without a port, and the URL's port over it", () => {
    expect(parseRedisConfig({ REDIS_URL: "redis://cache", REDIS_PORT: "6380" })?.nodes).toEqual([
      { host: "cache", port: 6380 },
    ]);
    expect(parseRedisConfig({ REDIS_URL: "redis://cache:7000", REDIS_PORT: "6380" })?.nodes).toEqual([
      { host: "cache", port: 7000 },
    ]);
    expect(
      thrown(() => parseRedisConfig({ REDIS_URL: "redis://cache", REDIS_PORT: "high" })).message,
    ).toContain("REDIS_PORT");
  });

  it("reads TLS, credentials (URL-encoded) and the database number", () => {
    const config = parseRedisConfig({ REDIS_URL: "rediss://alice:p%40ss%2Fw0rd@db.example:6380/3" });
    expect(config).toMatchObject({
      tls: true,
      username: "alice",
      password: "p@ss/w0rd",
      db: 3,
      description: "rediss db.example:6380",
    });
    expect(config?.description).not.toContain("p@ss");
  });

  it("tolerates an unencoded password holding '@' and '/'", () => {
    const config = parseRedisConfig({ REDIS_URL: "redis://:se/cr@t@host:6379" });
    expect(config).toMatchObject({
      username: undefined,
      password: "se/cr@t",
      nodes: [{ host: "host", port: 6379 }],
    });
  });

  it("lets REDIS_USERNAME / REDIS_PASSWORD override the URL's credentials", () => {
    const config = parseRedisConfig({
      REDIS_URL: "redis://bob:old@host",
      REDIS_USERNAME: "carol",
      REDIS_PASSWORD: "newSecret",
    });
    expect(config).toMatchObject({ username: "carol", password: "newSecret" });
  });

  it("reads a Cluster from redis+cluster:// and from REDIS_CLUSTER_NODES", () => {
    expect(
      parseRedisConfig({ REDIS_URL: "redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3" }),
    ).toMatchObject({
      mode: "cluster",
      tls: false,
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "10.0.0.3", port: 6379 },
      ],
      description: "redis cluster 10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379",
    });
    expect(parseRedisConfig({ REDIS_URL: "rediss+cluster://u:pw@a:1,b:2" })).toMatchObject({
      mode: "cluster",
      tls: true,
      username: "u",
      password: "pw",
      description: "rediss cluster a:1,b:2",
    });
    expect(
      parseRedisConfig({
        REDIS_CLUSTER_NODES: "127.0.0.1:7101, 127.0.0.1:7102",
        REDIS_TLS: "1",
        REDIS_PASSWORD: "x1",
      }),
    ).toMatchObject({
      mode: "cluster",
      tls: true,
      password: "x1",
      source: "REDIS_CLUSTER_NODES",
      nodes: [
        { host: "127.0.0.1", port: 7101 },
        { host: "127.0.0.1", port: 7102 },
      ],
    });
  });

  it("reads IPv6 addresses in brackets", () => {
    expect(parseRedisConfig({ REDIS_URL: "redis://[::1]:6390" })).toMatchObject({
      nodes: [{ host: "::1", port: 6390 }],
      description: "redis [::1]:6390",
    });
  });

  it("rejects what it cannot use, saying what a right value looks like", () => {
    const scheme = thrown(() => parseRedisConfig({ REDIS_URL: "http://127.0.0.1:6379" }));
    expect(scheme.code).toBe("BAD_CONFIG");
    expect(scheme.message).toContain("'http://'");
    expect(scheme.message).toContain("redis+cluster://");

    expect(thrown(() => parseRedisConfig({ REDIS_URL: "a:1,b:2" })).message).toContain(
      "REDIS_CLUSTER_NODES=a:1,b:2",
    );
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "cache:port" })).message).toContain(
      "neither a URL nor a bare host[:port]",
    );
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "cache:99999" })).message).toContain("invalid port");
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "redis://a:1,b:2" })).message).toContain(
      "redis+cluster://",
    );
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "redis+cluster://a:1/2" })).message).toContain(
      "database 0",
    );
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "redis://a:99999" })).message).toContain(
      "invalid port",
    );
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "redis://a/x" })).message).toContain("database number");
    expect(thrown(() => parseRedisConfig({ REDIS_URL: "redis://" })).message).toContain("no host");
    expect(
      thrown(() => parseRedisConfig({ REDIS_URL: "redis://a", REDIS_CLUSTER_NODES: "b:1" })).message,
    ).toContain("set only one");
    expect(thrown(() => parseRedisConfig({ REDIS_CLUSTER_NODES: "redis://b:1" })).message).toContain(
      "plain list",
    );
  });

  it("reads the original project's form: a bare host or host:port, the rest in their own variables", () => {
    const config = parseRedisConfig({
      REDIS_URL: "your-redis-host",
      REDIS_PORT: "12345",
      REDIS_USERNAME: "default",
      REDIS_PASSWORD: "your-password",
    });
    expect(config).toMatchObject({
      mode: "standalone",
      nodes: [{ host: "your-redis-host", port: 12345 }],
      username: "default",
      password: "your-password",
      tls: false,
      db: 0,
      description: "redis your-redis-host:12345",
      source: "REDIS_URL",
      origin: { form: "bare", port: "REDIS_PORT", username: "REDIS_USERNAME", password: "REDIS_PASSWORD" },
    });
    expect(parseRedisConfig({ REDIS_URL: "10.0.0.5:7000", REDIS_PORT: "1" })?.nodes).toEqual([
      { host: "10.0.0.5", port: 7000 },
    ]);
    expect(parseRedisConfig({ REDIS_URL: "[::1]:6380" })?.nodes).toEqual([{ host: "::1", port: 6380 }]);
    expect(parseRedisConfig({ REDIS_URL: "localhost" })).toMatchObject({
      nodes: [{ host: "localhost", port: 6379 }],
      origin: { port: "default" },
    });
    expect(parseRedisConfig({ REDIS_URL: "cache.example", REDIS_TLS: "1" })).toMatchObject({
      tls: true,
      description: "rediss cache.example:6379",
    });
  });

  it("explains what it understood, for doctor, without the password", () => {
    const bare = parseRedisConfig({
      REDIS_URL: "cache.example",
      REDIS_PORT: "12345",
      REDIS_USERNAME: "default",
      REDIS_PASSWORD: "Hidden-Pw-42",
    });
    const lines = explainRedisConfig(bare as RedisConfig).join("\n");
    expect(lines).toContain("form: REDIS_URL holds a bare host");
    expect(lines).toContain("host: cache.example");
    expect(lines).toContain("port: 12345 (from REDIS_PORT)");
    expect(lines).toContain("user: default (from REDIS_USERNAME)");
    expect(lines).toContain("password: set, hidden (from REDIS_PASSWORD)");
    expect(lines).toContain("TLS: no");
    expect(lines).toContain("mode: one standalone server, database 0");
    expect(lines).not.toContain("Hidden-Pw-42");
    const cluster = explainRedisConfig(
      parseRedisConfig({ REDIS_URL: "rediss+cluster://u:Pw-In-Url-7@a:7000,b" }) as RedisConfig,
    ).join("\n");
    expect(cluster).toContain("port: 7000, 6379 (the default 6379");
    expect(cluster).toContain("password: set, hidden (from the URL)");
    expect(cluster).toContain("TLS: yes (from the URL's scheme)");
    expect(cluster).toContain("mode: Redis Cluster, 2 seed nodes: a:7000, b:6379");
    expect(cluster).not.toContain("Pw-In-Url-7");
  });

  it("keeps the password out of every parse error", () => {
    for (const url of [
      "u:Tr0ub4dor@a:1",
      "a:Tr0ub4dor",
      "redis://u:Tr0ub4dor@a:1,b:2",
      "redis//u:Tr0ub4dor@a:1",
      "redis://u:Tr0ub4dor@a:1/x",
    ]) {
      const error = thrown(() => parseRedisConfig({ REDIS_URL: url }));
      expect(error.message).not.toContain("Tr0ub4dor");
    }
  });
});

describe("parseSqliteConfig", () => {
  it("defaults to the file reports/live.sqlite", () => {
    expect(parseSqliteConfig({})).toEqual({
      kind: "file",
      path: DEFAULT_SQLITE_PATH,
      description: `sqlite ${DEFAULT_SQLITE_PATH}`,
      source: "default",
    });
    expect(DEFAULT_SQLITE_PATH).toBe(path.join("reports", "live.sqlite"));
  });

  it("reads paths and file: URLs", () => {
    expect(parseSqliteConfig({ SQLITE_URL: "data/run.sqlite" })).toMatchObject({
      kind: "file",
      path: "data/run.sqlite",
    });
    expect(parseSqliteConfig({ SQLITE_URL: "/abs/run.sqlite" })).toMatchObject({
      kind: "file",
      path: "/abs/run.sqlite",
    });
    expect(parseSqliteConfig({ SQLITE_URL: "file:///abs/my%20run.sqlite" })).toMatchObject({
      kind: "file",
      path: "/abs/my run.sqlite",
    });
    expect(parseSqliteConfig({ SQLITE_URL: "file://localhost/abs/x.sqlite" })).toMatchObject({
      path: "/abs/x.sqlite",
    });
    expect(parseSqliteConfig({ SQLITE_URL: "file:rel/x.sqlite" })).toMatchObject({ path: "rel/x.sqlite" });
    expect(parseSqliteConfig({ SQLITE_URL: "sqlite:rel/x.sqlite" })).toMatchObject({ path: "rel/x.sqlite" });
  });

  it("accepts the older spelling SQLLITE_URL, and prefers SQLITE_URL", () => {
    expect(parseSqliteConfig({ SQLLITE_URL: "old.sqlite" })).toMatchObject({
      path: "old.sqlite",
      source: "SQLLITE_URL",
    });
    expect(parseSqliteConfig({ SQLLITE_URL: "old.sqlite", SQLITE_URL: "new.sqlite" })).toMatchObject({
      path: "new.sqlite",
      source: "SQLITE_URL",
    });
  });

  it("reads a SQLite Cloud URL and describes it without the apikey", () => {
    const url = "sqlitecloud://abc.sqlite.cloud/chinook.sqlite?apikey=K3yK3yK3y";
    const config = parseSqliteConfig({ SQLITE_URL: url });
    expect(config).toMatchObject({
      kind: "cloud",
      host: "abc.sqlite.cloud",
      port: 8860,
      database: "chinook.sqlite",
      description: "sqlitecloud://abc.sqlite.cloud:8860/chinook.sqlite",
      connectionString: url,
    });
    expect(config.description).not.toContain("K3y");
  });

  it("rejects what it cannot use", () => {
    expect(thrown(() => parseSqliteConfig({ SQLITE_URL: "postgres://db/x" })).message).toContain(
      "'postgres://'",
    );
    expect(thrown(() => parseSqliteConfig({ SQLITE_URL: ":memory:" })).message).toContain("file on disk");
    expect(thrown(() => parseSqliteConfig({ SQLITE_URL: "file://otherhost/x.sqlite" })).message).toContain(
      "local file",
    );
    expect(thrown(() => parseSqliteConfig({ SQLITE_URL: "file:x.sqlite?mode=ro" })).message).toContain(
      "not supported",
    );
    expect(thrown(() => parseSqliteConfig({ SQLITE_URL: "sqlitecloud://h:8860/db" })).message).toContain(
      "no credentials",
    );
    const noDb = thrown(() => parseSqliteConfig({ SQLITE_URL: "sqlitecloud://h:8860/?apikey=Zz9Zz9Zz9" }));
    expect(noDb.message).toContain("no database");
    expect(noDb.message).not.toContain("Zz9Zz9Zz9");
  });
});

describe("redact", () => {
  it("hides passwords in URLs, credentials in parameters and assignments", () => {
    expect(redact("redis://bob:hunter2@host:6379/0")).toBe("redis://bob:***@host:6379/0");
    expect(redact("rediss://:hunter2@host")).toBe("rediss://:***@host");
    expect(redact("sqlitecloud://h:8860/db?apikey=abc123&x=1")).toBe(
      "sqlitecloud://h:8860/db?apikey=***&x=1",
    );
    expect(redact("failed: REDIS_PASSWORD=hunter2 SQLITE_TOKEN=t0k")).toBe(
      "failed: REDIS_PASSWORD=*** SQLITE_TOKEN=***",
    );
    expect(redact("AUTH APIKEY abcdef; USE DATABASE x;")).toBe("AUTH APIKEY ***; USE DATABASE x;");
    expect(redact("AUTH USER bob PASSWORD hunter2;")).toBe("AUTH USER bob PASSWORD ***;");
  });

  it("leaves ordinary text alone and is idempotent", () => {
    const text = "redis 127.0.0.1:6379: connection refused — is the server running on that port?";
    expect(redact(text)).toBe(text);
    const once = redact("redis://u:p4ss@h");
    expect(redact(once)).toBe(once);
  });

  it("hides registered secrets anywhere, and short ones only where they stand alone", () => {
    registerSecret("Xy7-registered-secret");
    expect(redact("server said: bad Xy7-registered-secret!")).toBe("server said: bad ***!");
    registerSecret("ab1");
    expect(redact("tab1e ab1 (ab1)")).toBe("tab1e *** (***)");
  });

  it("is applied by BackendError itself", () => {
    registerSecret("s3cr3t-in-error");
    const error = new BackendError("could not use redis://u:s3cr3t-in-error@h", { backend: "redis" });
    expect(error.message).not.toContain("s3cr3t-in-error");
    expect(error.name).toBe("BackendError");
    expect(error).toBeInstanceOf(Error);
  });
});

describe("loadEnv", () => {
  it("reads .env under the environment: variables already set win, and nothing is written back", () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, ".env"),
      '# live settings\nREDIS_URL=redis://from-file:6379\nexport SQLITE_URL="file.sqlite"\nCACHESIM_TEST_ONLY_VAR=1\n',
    );
    const env = { REDIS_URL: "redis://from-env:6379" };
    const loaded = loadEnv(env, dir);
    expect(loaded.envFile).toBe(path.join(dir, ".env"));
    expect(loaded.env.REDIS_URL).toBe("redis://from-env:6379");
    expect(loaded.env.SQLITE_URL).toBe("file.sqlite");
    expect(loaded.shadowed).toEqual(["REDIS_URL"]);
    expect(env).toEqual({ REDIS_URL: "redis://from-env:6379" });
    expect(process.env.CACHESIM_TEST_ONLY_VAR).toBeUndefined();
  });

  it("works without a .env file", () => {
    const loaded = loadEnv({ A: "1" }, tempDir());
    expect(loaded).toEqual({ env: { A: "1" }, envFile: null, shadowed: [] });
  });
});

describe("run options and names", () => {
  it("has sensible defaults and reads the overrides", () => {
    expect(parseLiveOptions({})).toEqual({
      keepTable: false,
      safetyTtlMs: DEFAULT_SAFETY_TTL_MS,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      autoPipelining: false,
      commandTimeoutMs: DEFAULT_COMMAND_TIMEOUT_MS,
    });
    expect(DEFAULT_CONNECT_TIMEOUT_MS).toBe(3000);
    expect(DEFAULT_COMMAND_TIMEOUT_MS).toBe(5000);
    expect(
      parseLiveOptions({
        CACHESIM_KEEP_TABLE: "1",
        CACHESIM_REDIS_SAFETY_TTL_MS: "0",
        CACHESIM_CONNECT_TIMEOUT_MS: "500",
        CACHESIM_REDIS_AUTOPIPELINING: "1",
        CACHESIM_COMMAND_TIMEOUT_MS: "250",
      }),
    ).toEqual({
      keepTable: true,
      safetyTtlMs: 0,
      connectTimeoutMs: 500,
      autoPipelining: true,
      commandTimeoutMs: 250,
    });
    // 0 would mean waiting for ever: it falls back to the default.
    expect(parseLiveOptions({ CACHESIM_COMMAND_TIMEOUT_MS: "0" }).commandTimeoutMs).toBe(
      DEFAULT_COMMAND_TIMEOUT_MS,
    );
    expect(thrown(() => parseLiveOptions({ CACHESIM_COMMAND_TIMEOUT_MS: "5s" })).message).toContain(
      "CACHESIM_COMMAND_TIMEOUT_MS",
    );
    expect(thrown(() => parseLiveOptions({ CACHESIM_REDIS_SAFETY_TTL_MS: "1h" })).message).toContain(
      "CACHESIM_REDIS_SAFETY_TTL_MS",
    );
  });

  it("gives every run its own key prefix and table", () => {
    const a = newRunId();
    const b = newRunId();
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(redisPrefix(a)).toBe(`cachesim:${a}:`);
    expect(runTableName(a)).toBe(`cachesim_${a}`);
  });
});

describe("failing clearly before any server is involved", () => {
  it("says how to install a missing optional driver", async () => {
    const error = await importOptional("cachesim-no-such-module", {
      backend: "sqlite",
      what: "the test driver",
      install: "npm install cachesim-no-such-module",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe("NOT_INSTALLED");
    expect((error as BackendError).message).toContain("npm install cachesim-no-such-module");
  });

  it("openLiveBackends without Redis says which variable to set", async () => {
    const error = await openLiveBackends({}, { cwd: tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).code).toBe("NOT_CONFIGURED");
    expect((error as BackendError).message).toContain("REDIS_URL");
    expect((error as BackendError).message).toContain("REDIS_CLUSTER_NODES");
  });

  it("openLiveBackends reads REDIS_URL from .env and reports a dead server by address, without the password", async () => {
    const dir = tempDir();
    const port = await closedPort();
    writeFileSync(
      path.join(dir, ".env"),
      `REDIS_URL=redis://alice:DotEnvPw99@127.0.0.1:${port}\nSQLITE_URL=bad://x\n`,
    );
    const startedMs = Date.now();
    const error = await openLiveBackends({}, { cwd: dir }).catch((e: unknown) => e);
    expect(Date.now() - startedMs).toBeLessThan(DEFAULT_CONNECT_TIMEOUT_MS + 1000);
    expect(error).toBeInstanceOf(BackendError);
    // The SQLite URL is checked before anything connects.
    expect((error as BackendError).message).toContain("'bad://'");
    expect((error as BackendError).message).not.toContain("DotEnvPw99");
  });

  it("doctor without Redis says what is missing and exits 1, not 'every configured backend works'", async () => {
    const lines: string[] = [];
    const dir = tempDir();
    const code = await runDoctor(
      { SQLITE_URL: path.join(dir, "doctor.sqlite") },
      (line) => lines.push(line),
      {
        cwd: dir,
      },
    );
    const output = lines.join("\n");
    expect(code).toBe(1);
    expect(output).toContain("Redis: not configured");
    expect(output).toMatch(/FAIL {2}a live run needs it: set REDIS_URL/);
    expect(output).toContain("1 problem");
    expect(output).not.toContain("every configured backend works");
  });

  it("doctor says what the launcher runs, and how to mend a stale build, without changing its verdict", async () => {
    const dir = tempDir();
    const env = { SQLITE_URL: path.join(dir, "doctor.sqlite") };
    const outputs: Record<string, string> = {};
    const codes: number[] = [];
    for (const build of ["current", "stale", "missing", "none"]) {
      const lines: string[] = [];
      const options = build === "none" ? { cwd: dir } : { cwd: dir, build };
      codes.push(await runDoctor(env, (line) => lines.push(line), options));
      outputs[build] = lines.join("\n");
    }
    expect(codes).toEqual([1, 1, 1, 1]);
    expect(outputs.current).toContain("build: dist/, compiled from today's sources");
    expect(outputs.current).not.toContain("npm run build");
    expect(outputs.stale).toContain("dist/ was compiled from other sources than today's");
    expect(outputs.stale).toMatch(/note {2}slower than a build .*`npm run build` brings dist\/ up to date/);
    expect(outputs.missing).toContain("`npm run build` makes dist/");
    // Called as a library, with no launcher to ask, it says nothing about a build.
    expect(outputs.none).not.toContain("build:");
  });

  it("doctor reports configuration errors and dead servers plainly, without secrets, and exits 1", async () => {
    const port = await closedPort();
    const lines: string[] = [];
    const code = await runDoctor(
      { REDIS_URL: `redis://bob:DoctorPw77@127.0.0.1:${port}`, SQLITE_URL: "postgres://u:DbPw55@db/x" },
      (line) => lines.push(line),
      { cwd: tempDir() },
    );
    const output = lines.join("\n");
    expect(code).toBe(1);
    expect(output).toContain(`127.0.0.1:${port}: connection refused`);
    expect(output).toContain("'postgres://'");
    expect(output).toContain("2 problems");
    expect(output).not.toContain("DoctorPw77");
    expect(output).not.toContain("DbPw55");
  });
});
