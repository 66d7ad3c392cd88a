// Where live mode learns its servers: the environment, plus a `.env` file in the working directory that
// fills only what the environment leaves unset. Parsing is strict and the messages say which variable is
// wrong and what a right value looks like, because a typo here otherwise surfaces as a connect timeout.
// Everything that may carry a secret passes through `redact` before it reaches a message.
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BackendError } from "./backendError.ts";
import { parseDotEnv } from "./dotenvFile.ts";
import { registerSecret } from "./redact.ts";

// ---------------------------------------------------------------------------------------------------------
// Environment and .env

/** A `.env` larger than this is not a settings file (and is refused rather than read). */
export const ENV_FILE_BYTES_MAX = 1024 * 1024;

export interface LoadedEnv {
  /** The environment with `.env` values added under it: a variable already set always wins. */
  env: NodeJS.ProcessEnv;
  /** The `.env` file that was read, or null where there is none. */
  envFile: string | null;
  /** Variables the `.env` file set that the environment already had (and so were not used). */
  shadowed: string[];
}

/**
 * Reads `.env` from `cwd` (if present) under the given environment. Returns a new object: the process
 * environment is not modified, so nothing else in the program sees values it did not ask for.
 */
export function loadEnv(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): LoadedEnv {
  const file = path.resolve(cwd, ".env");
  const fail = (why: string) =>
    new BackendError(`cannot read ${file}: ${why}`, { backend: "redis", code: "ENV_FILE" });
  let text: string;
  try {
    const stat = statSync(file);
    // A FIFO or a device would be read without end; a settings file is never that big.
    if (!stat.isFile()) throw fail("it is not a regular file");
    if (stat.size > ENV_FILE_BYTES_MAX)
      throw fail(`it is ${stat.size} bytes, more than a settings file can be (${ENV_FILE_BYTES_MAX})`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof BackendError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      return { env: { ...env }, envFile: null, shadowed: [] };
    throw fail((error as Error).message);
  }
  const parsed = parseDotEnv(text, env);
  if (parsed.problems.length > 0) {
    const where = parsed.problems
      .map((problem) => `line ${problem.line}${problem.name ? ` (${problem.name})` : ""}`)
      .join(", ");
    throw new BackendError(
      `${file}: cannot parse ${where}; each line is NAME=value, NAME='value' or NAME="value" ` +
        "(a quote opened must be closed; `export ` and `# comments` are allowed)",
      { backend: "redis", code: "ENV_FILE" },
    );
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  const shadowed: string[] = [];
  for (const [name, value] of parsed.values) {
    if (merged[name] === undefined) merged[name] = value;
    else shadowed.push(name);
  }
  return { env: merged, envFile: file, shadowed };
}

/** An unset or blank variable reads as absent. */
function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readFlag(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = read(env, name)?.toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}

function readNonNegativeInt(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  backend: "redis" | "sqlite",
) {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new BackendError(`${name} must be a whole number of milliseconds, got '${raw}'`, {
      backend,
      code: "BAD_CONFIG",
    });
  }
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------------------
// Redis

export interface RedisEndpoint {
  host: string;
  port: number;
}

export interface RedisConfig {
  mode: "standalone" | "cluster";
  /** One endpoint for a standalone server; the seed nodes for a Cluster. */
  nodes: RedisEndpoint[];
  username: string | undefined;
  password: string | undefined;
  tls: boolean;
  /** Database number (standalone only; a Cluster has only 0). */
  db: number;
  /** Secret-free words for messages: `redis 127.0.0.1:6379`, `redis cluster 127.0.0.1:7000,127.0.0.1:7001`. */
  description: string;
  /** The variable the address came from, for messages. */
  source: "REDIS_URL" | "REDIS_CLUSTER_NODES";
  /** Where each part came from, so that `cachesim doctor` can say how the settings were understood. */
  origin: RedisOrigin;
}

export interface RedisOrigin {
  /** `url`: a redis:// style URL; `bare`: REDIS_URL holding a host or host:port; `list`: REDIS_CLUSTER_NODES. */
  form: "url" | "bare" | "list";
  /** Where the port came from: written with the address, REDIS_PORT, or the default 6379. */
  port: "address" | "REDIS_PORT" | "default";
  username: "url" | "REDIS_USERNAME" | null;
  password: "url" | "REDIS_PASSWORD" | null;
  /** What decided TLS: the URL's scheme, or REDIS_TLS (for a bare host or a node list). */
  tls: "scheme" | "REDIS_TLS";
}

export const DEFAULT_REDIS_PORT = 6379;

// No credentials in the example: redact() would mask them, and they have their own variables anyway.
const REDIS_URL_HELP =
  "expected a host or host:port (credentials in REDIS_USERNAME / REDIS_PASSWORD, TLS with REDIS_TLS=1), " +
  "redis://host[:port][/db], rediss://… for TLS, or redis+cluster://host:port,host:port " +
  "(rediss+cluster://… for TLS) for a Redis Cluster; credentials go in REDIS_USERNAME / REDIS_PASSWORD or in the URL";

export function formatEndpoint({ host, port }: RedisEndpoint): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function configError(message: string, backend: "redis" | "sqlite" | "sqlitecloud"): BackendError {
  return new BackendError(message, { backend, code: "BAD_CONFIG" });
}

/** An endpoint, and whether its text named the port. */
function parseEndpoint(
  text: string,
  defaultPort: number,
  variable: string,
): RedisEndpoint & { portGiven: boolean } {
  const item = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(item);
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
  } else {
    const colon = item.lastIndexOf(":");
    if (colon >= 0 && item.indexOf(":") === colon) {
      host = item.slice(0, colon);
      portText = item.slice(colon + 1);
    } else if (colon >= 0) {
      throw configError(
        `${variable}: write an IPv6 address in brackets, e.g. [::1]:6379 (got '${item}')`,
        "redis",
      );
    } else {
      host = item;
    }
  }
  if (!host) throw configError(`${variable}: missing host in '${item}'`, "redis");
  let port = defaultPort;
  if (portText !== undefined && portText !== "") {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw configError(`${variable}: invalid port '${portText}' in '${item}'`, "redis");
    }
    port = Number(portText);
  }
  return { host, port, portGiven: portText !== undefined && portText !== "" };
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function defaultPortFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = read(env, "REDIS_PORT");
  if (raw === undefined) return DEFAULT_REDIS_PORT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw configError(`REDIS_PORT must be a port number, got '${raw}'`, "redis");
  }
  return Number(raw);
}

/**
 * Reads the Redis settings. Returns null when neither REDIS_URL nor REDIS_CLUSTER_NODES is set; throws
 * BackendError (code BAD_CONFIG) when a value is malformed.
 *
 * - `REDIS_URL=host` or `host:port` (the original project's form), with REDIS_PORT, REDIS_USERNAME,
 *   REDIS_PASSWORD and REDIS_TLS=1 beside it;
 * - `REDIS_URL=redis://[user:password@]host[:port][/db]`, `rediss://` for TLS;
 *   `redis+cluster://host:port,host:port` (or `rediss+cluster://`) for a Redis Cluster.
 * - `REDIS_CLUSTER_NODES=host:port,host:port` is another way to name a Cluster (then `REDIS_TLS=1` for TLS).
 * - `REDIS_PORT` is the port for any address that names none (default 6379).
 * - `REDIS_USERNAME` / `REDIS_PASSWORD` take precedence over credentials written in the URL.
 */
export function parseRedisConfig(env: NodeJS.ProcessEnv): RedisConfig | null {
  const url = read(env, "REDIS_URL");
  const clusterNodes = read(env, "REDIS_CLUSTER_NODES");
  registerSecret(env.REDIS_PASSWORD);
  if (url) registerUrlSecrets(url);
  if (url && clusterNodes) {
    throw configError(
      "both REDIS_URL and REDIS_CLUSTER_NODES are set; set only one (REDIS_CLUSTER_NODES, or REDIS_URL=redis+cluster://…, for a Cluster)",
      "redis",
    );
  }
  if (!url && !clusterNodes) return null;
  const defaultPort = defaultPortFromEnv(env);

  let mode: RedisConfig["mode"];
  let tls: boolean;
  let username: string | undefined;
  let password: string | undefined;
  let db = 0;
  let scheme: string;
  let source: RedisConfig["source"];

  let form: RedisOrigin["form"];
  let parsed: Array<RedisEndpoint & { portGiven: boolean }>;

  if (clusterNodes) {
    source = "REDIS_CLUSTER_NODES";
    form = "list";
    if (clusterNodes.includes("://")) {
      throw configError(
        "REDIS_CLUSTER_NODES is a plain list host:port,host:port (no scheme); for a URL use REDIS_URL=redis+cluster://…",
        "redis",
      );
    }
    mode = "cluster";
    tls = readFlag(env, "REDIS_TLS");
    scheme = tls ? "rediss" : "redis";
    parsed = clusterNodes
      .split(",")
      .filter((item) => item.trim())
      .map((item) => parseEndpoint(item, defaultPort, "REDIS_CLUSTER_NODES"));
  } else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url as string)) {
    // The original project's form: a bare host (or host:port), the rest in their own variables.
    source = "REDIS_URL";
    form = "bare";
    const text = url as string;
    if (/[@\s/?#]/.test(text) || /^[a-z][a-z0-9+.-]*:[^\d]/i.test(text)) {
      // Not echoed: without "://", redact() cannot tell a password in it.
      throw configError(
        `REDIS_URL is neither a URL nor a bare host[:port] (its value is not shown: it may hold a password); ${REDIS_URL_HELP}`,
        "redis",
      );
    }
    if (text.includes(",")) {
      throw configError(
        `REDIS_URL '${text}' names several hosts; a standalone server has one — for a Cluster use REDIS_CLUSTER_NODES=${text}`,
        "redis",
      );
    }
    mode = "standalone";
    tls = readFlag(env, "REDIS_TLS");
    scheme = tls ? "rediss" : "redis";
    parsed = [parseEndpoint(text, defaultPort, "REDIS_URL")];
  } else {
    source = "REDIS_URL";
    form = "url";
    const text = url as string;
    const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(text) as RegExpExecArray;
    scheme = (match[1] ?? "").toLowerCase();
    if (!["redis", "rediss", "redis+cluster", "rediss+cluster"].includes(scheme)) {
      throw configError(`REDIS_URL uses the scheme '${scheme}://'; ${REDIS_URL_HELP}`, "redis");
    }
    mode = scheme.endsWith("+cluster") ? "cluster" : "standalone";
    tls = scheme.startsWith("rediss");
    let rest = match[2] ?? "";
    const hashAt = rest.indexOf("#");
    if (hashAt >= 0) rest = rest.slice(0, hashAt);
    // The password may hold '/', '?' or '@' unencoded, so the host part starts after the last '@'.
    const at = rest.lastIndexOf("@");
    const userInfo = at >= 0 ? rest.slice(0, at) : "";
    const afterUser = at >= 0 ? rest.slice(at + 1) : rest;
    const hostEnd = afterUser.search(/[/?]/);
    const hostPart = hostEnd >= 0 ? afterUser.slice(0, hostEnd) : afterUser;
    const pathAndQuery = hostEnd >= 0 ? afterUser.slice(hostEnd) : "";
    const dbText = pathAndQuery.startsWith("/") ? (pathAndQuery.slice(1).split("?")[0] ?? "") : "";
    if (userInfo) {
      const colon = userInfo.indexOf(":");
      username = decodeComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo) || undefined;
      password = colon >= 0 ? decodeComponent(userInfo.slice(colon + 1)) || undefined : undefined;
      registerSecret(password);
    }
    if (!hostPart) throw configError(`REDIS_URL names no host; ${REDIS_URL_HELP}`, "redis");
    parsed = hostPart.split(",").map((item) => parseEndpoint(item, defaultPort, "REDIS_URL"));
    if (mode === "standalone" && parsed.length > 1) {
      throw configError(
        `REDIS_URL names ${parsed.length} hosts; a standalone server has one — for a Cluster use redis+cluster://${hostPart}`,
        "redis",
      );
    }
    if (dbText) {
      if (!/^\d+$/.test(dbText))
        throw configError(`REDIS_URL: '/${dbText}' is not a database number`, "redis");
      db = Number(dbText);
      if (mode === "cluster" && db !== 0) {
        throw configError("REDIS_URL: a Redis Cluster has only database 0; remove the /db part", "redis");
      }
    }
  }
  const nodes: RedisEndpoint[] = parsed.map(({ host, port }) => ({ host, port }));
  if (nodes.length === 0) throw configError(`${source} names no host`, "redis");

  const origin: RedisOrigin = {
    form,
    port: parsed.every((node) => node.portGiven)
      ? "address"
      : read(env, "REDIS_PORT") !== undefined
        ? "REDIS_PORT"
        : "default",
    username: username ? "url" : null,
    password: password ? "url" : null,
    tls: form === "url" ? "scheme" : "REDIS_TLS",
  };
  const envUser = read(env, "REDIS_USERNAME");
  const envPassword = env.REDIS_PASSWORD?.length ? env.REDIS_PASSWORD : undefined;
  if (envUser) {
    username = envUser;
    origin.username = "REDIS_USERNAME";
  }
  if (envPassword) {
    password = envPassword;
    origin.password = "REDIS_PASSWORD";
  }

  const where = nodes.map(formatEndpoint).join(",");
  const kind = mode === "cluster" ? `${scheme.replace("+cluster", "")} cluster` : scheme;
  return { mode, nodes, username, password, tls, db, description: `${kind} ${where}`, source, origin };
}

/**
 * How the Redis settings were understood, one `label: text` line each, for `cachesim doctor`: which form,
 * host(s), port and where it came from, user, password (set or not, never shown), TLS, Cluster or not.
 */
export function explainRedisConfig(config: RedisConfig): string[] {
  const { origin } = config;
  const form =
    origin.form === "bare"
      ? "REDIS_URL holds a bare host (the rest comes from REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS)"
      : origin.form === "url"
        ? "REDIS_URL holds a URL"
        : "REDIS_CLUSTER_NODES lists the seed nodes";
  const portFrom =
    origin.port === "address"
      ? "written with the address"
      : origin.port === "REDIS_PORT"
        ? "from REDIS_PORT"
        : `the default ${DEFAULT_REDIS_PORT}, as neither the address nor REDIS_PORT names one`;
  const hosts = [...new Set(config.nodes.map((node) => node.host))].join(", ");
  const ports = [...new Set(config.nodes.map((node) => node.port))].join(", ");
  const from = (where: "url" | "REDIS_USERNAME" | "REDIS_PASSWORD" | null) =>
    where === "url" ? "from the URL" : `from ${where}`;
  return [
    `form: ${form}`,
    `${config.nodes.length > 1 ? "hosts" : "host"}: ${hosts}`,
    `port: ${ports} (${portFrom})`,
    `user: ${config.username ? `${config.username} (${from(origin.username)})` : "none (the server's default user)"}`,
    `password: ${config.password ? `set, hidden (${from(origin.password)})` : "none"}`,
    `TLS: ${config.tls ? "yes" : "no"} (${origin.tls === "scheme" ? "from the URL's scheme" : config.tls ? "REDIS_TLS is set" : "REDIS_TLS=1 would turn it on"})`,
    config.mode === "cluster"
      ? `mode: Redis Cluster, ${config.nodes.length} seed node${config.nodes.length === 1 ? "" : "s"}: ${config.nodes.map(formatEndpoint).join(", ")}`
      : `mode: one standalone server, database ${config.db}`,
  ];
}

/** Registers whatever looks like a credential in a URL, even one too malformed to parse. */
function registerUrlSecrets(url: string): void {
  const at = url.lastIndexOf("@");
  const schemeEnd = url.indexOf("://");
  if (at > schemeEnd && schemeEnd >= 0) {
    const userInfo = url.slice(schemeEnd + 3, at);
    const colon = userInfo.indexOf(":");
    if (colon >= 0) {
      const raw = userInfo.slice(colon + 1);
      registerSecret(raw);
      registerSecret(decodeComponent(raw));
    }
  }
  for (const match of url.matchAll(/[?&](?:apikey|token|password)=([^&#]+)/gi)) {
    const raw = match[1] ?? "";
    registerSecret(raw);
    registerSecret(decodeComponent(raw));
  }
}

// ---------------------------------------------------------------------------------------------------------
// System of record

/** Where the system of record lives when SQLITE_URL is not set: a file the sqlite3 shell can open. */
export const DEFAULT_SQLITE_PATH = path.join("reports", "live.sqlite");

export type SqliteConfig =
  | {
      kind: "file";
      /** As given (relative to the working directory, or absolute). */
      path: string;
      description: string;
      source: "SQLITE_URL" | "SQLLITE_URL" | "default";
    }
  | {
      kind: "cloud";
      /** The full connection string, secrets included: hand it to the driver, never to a message. */
      connectionString: string;
      host: string;
      port: number;
      database: string;
      /** Secret-free: `sqlitecloud://host:port/db`. */
      description: string;
      source: "SQLITE_URL" | "SQLLITE_URL";
    };

/** SQLite Cloud's default port, which the driver also assumes. */
export const DEFAULT_SQLITECLOUD_PORT = 8860;

const SQLITE_URL_HELP =
  "expected a file path (reports/live.sqlite), a file: URL (file:///abs/path.sqlite) or " +
  "sqlitecloud://host:port/database?apikey=…";

/**
 * Reads SQLITE_URL (or the older spelling SQLLITE_URL). Unset means the default file `reports/live.sqlite`
 * under the working directory. Throws BackendError (code BAD_CONFIG) when a value is malformed.
 */
export function parseSqliteConfig(env: NodeJS.ProcessEnv): SqliteConfig {
  let source: "SQLITE_URL" | "SQLLITE_URL" = "SQLITE_URL";
  let raw = read(env, "SQLITE_URL");
  if (raw === undefined) {
    raw = read(env, "SQLLITE_URL");
    source = "SQLLITE_URL";
  }
  if (raw === undefined)
    return {
      kind: "file",
      path: DEFAULT_SQLITE_PATH,
      description: `sqlite ${DEFAULT_SQLITE_PATH}`,
      source: "default",
    };
  registerUrlSecrets(raw);

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  // A one-letter "scheme" is a Windows drive (C:\…), which is a path.
  if (scheme === undefined || scheme.length === 1) return fileConfig(raw, source);
  if (scheme === "file" || scheme === "sqlite") {
    const rest = raw.slice(scheme.length + 1);
    if (rest.includes("?")) {
      throw configError(`${source}: options after '?' are not supported in file URLs (${raw})`, "sqlite");
    }
    let filePath: string;
    if (rest.startsWith("//")) {
      // file://host/path: only the local host makes sense for a file we write.
      const url = new URL(`file:${rest}`);
      if (url.hostname && url.hostname !== "localhost") {
        throw configError(
          `${source}: file URLs must name a local file, not host '${url.hostname}'`,
          "sqlite",
        );
      }
      filePath = fileURLToPath(new URL(`file://${url.pathname}`));
    } else {
      filePath = decodeComponent(rest);
    }
    return fileConfig(filePath, source);
  }
  if (scheme === "sqlitecloud") return cloudConfig(raw, source);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw configError(`${source} uses the scheme '${scheme}://'; ${SQLITE_URL_HELP}`, "sqlite");
  }
  return fileConfig(raw, source);
}

function fileConfig(filePath: string, source: "SQLITE_URL" | "SQLLITE_URL"): SqliteConfig {
  if (!filePath || filePath === ":memory:") {
    throw configError(
      `${source}: live mode keeps its records in a file on disk; name a file (the in-process mode already runs SQLite in memory)`,
      "sqlite",
    );
  }
  return { kind: "file", path: filePath, description: `sqlite ${filePath}`, source };
}

function cloudConfig(raw: string, source: "SQLITE_URL" | "SQLLITE_URL"): SqliteConfig {
  let url: URL;
  try {
    // The WHATWG parser treats unknown schemes as opaque; swapping in https gets host and port parsed.
    url = new URL(raw.replace(/^sqlitecloud:/i, "https:"));
  } catch {
    throw configError(`${source} is not a valid URL; ${SQLITE_URL_HELP}`, "sqlitecloud");
  }
  registerSecret(decodeComponent(url.password));
  for (const name of ["apikey", "token", "password"]) registerSecret(url.searchParams.get(name));
  if (!url.hostname) throw configError(`${source} names no host; ${SQLITE_URL_HELP}`, "sqlitecloud");
  const hasCredentials =
    url.searchParams.get("apikey") || url.searchParams.get("token") || (url.username && url.password);
  if (!hasCredentials) {
    throw configError(
      `${source} has no credentials: add ?apikey=… (or user:password@) — sqlitecloud://host:port/database?apikey=…`,
      "sqlitecloud",
    );
  }
  const database = decodeComponent(url.pathname.replace(/^\//, ""));
  if (!database) {
    throw configError(
      `${source} names no database: sqlitecloud://host:port/DATABASE?apikey=…`,
      "sqlitecloud",
    );
  }
  const port = url.port ? Number(url.port) : DEFAULT_SQLITECLOUD_PORT;
  return {
    kind: "cloud",
    connectionString: raw,
    host: url.hostname,
    port,
    database,
    description: `sqlitecloud://${url.hostname}:${port}/${database}`,
    source,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Run options

export interface LiveOptions {
  /** CACHESIM_KEEP_TABLE=1 keeps the run's table after the run, for a look with the sqlite3 shell. */
  keepTable: boolean;
  /**
   * CACHESIM_REDIS_SAFETY_TTL_MS: a real Redis expiry on every key the run writes, so keys of a killed
   * run do not stay forever. It must outlast the run's wall time (the engine keeps its own virtual
   * expiry inside the values); 0 disables it. Default one hour.
   */
  safetyTtlMs: number;
  /** CACHESIM_CONNECT_TIMEOUT_MS: how long to wait for a server at start. Default 3 s. */
  connectTimeoutMs: number;
  /** CACHESIM_REDIS_AUTOPIPELINING=1 turns ioredis's auto-pipelining on (off by default: see liveRedisStore.ts). */
  autoPipelining: boolean;
  /**
   * CACHESIM_COMMAND_TIMEOUT_MS: how long any one command may go unanswered during a run (Redis, SQLite
   * Cloud) before the run ends with a message naming the server. Default 5 s.
   */
  commandTimeoutMs: number;
}

export const DEFAULT_SAFETY_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;

export function parseLiveOptions(env: NodeJS.ProcessEnv): LiveOptions {
  return {
    keepTable: readFlag(env, "CACHESIM_KEEP_TABLE"),
    safetyTtlMs: readNonNegativeInt(env, "CACHESIM_REDIS_SAFETY_TTL_MS", DEFAULT_SAFETY_TTL_MS, "redis"),
    connectTimeoutMs:
      readNonNegativeInt(env, "CACHESIM_CONNECT_TIMEOUT_MS", DEFAULT_CONNECT_TIMEOUT_MS, "redis") ||
      DEFAULT_CONNECT_TIMEOUT_MS,
    autoPipelining: readFlag(env, "CACHESIM_REDIS_AUTOPIPELINING"),
    // 0 would mean "wait for ever", which is exactly the hang this setting exists to prevent.
    commandTimeoutMs:
      readNonNegativeInt(env, "CACHESIM_COMMAND_TIMEOUT_MS", DEFAULT_COMMAND_TIMEOUT_MS, "redis") ||
      DEFAULT_COMMAND_TIMEOUT_MS,
  };
}

/**
 * A fresh run id: random hex. Live adapters sit outside the deterministic simulation (it only keeps
 * concurrent runs apart on shared servers) and the id never reaches a report.
 */
export function newRunId(): string {
  return randomBytes(6).toString("hex");
}

/** The Redis key prefix of a run: every key the run writes starts with it, and nothing else does. */
export function redisPrefix(runId: string): string {
  return `cachesim:${runId}:`;
}

/** The run's own table in the system of record. */
export function runTableName(runId: string): string {
  return `cachesim_${runId}`;
}
