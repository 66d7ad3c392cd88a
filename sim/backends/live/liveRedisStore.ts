// The global cache tier against a real Redis: one standalone server, or a Redis Cluster whose own hash
// slots place the keys. Parity with the in-process run rests on two things this file guarantees:
//  - commands go out in the order the engine issues them, over one connection per server (a key always
//    lives on one server, so per-key order is total order for what the engine can observe), and
//  - nothing is awaited inside a call, so commands the engine issues back to back pipeline naturally.
// A connection that drops is never silently re-opened: commands in flight may or may not have run, so
// the run is over; every later call rejects at once with the same BackendError.
import { createRequire } from "node:module";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import type { CacheStore, LeaseAnswer } from "../../model/ports.ts";
import { CACHE_SCRIPTS, type ScriptCommands } from "../cacheScripts.ts";
import { Deliveries } from "../deliveries.ts";
import { BackendError } from "./backendError.ts";
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  formatEndpoint,
  type RedisConfig,
  type RedisEndpoint,
  redisPrefix,
} from "./config.ts";
import { redact } from "./redact.ts";

// cluster-key-slot is the slot function ioredis itself routes with; resolving it through ioredis keeps the
// two in step even where npm does not hoist it. It ships no types: it maps a key to its slot, 0..16383.
const requireFromIoredis = createRequire(createRequire(import.meta.url).resolve("ioredis"));
const calculateSlot = requireFromIoredis("cluster-key-slot") as (key: string) => number;

export type RedisClient = Redis | Cluster;
/** A client with the conditional operations defined on it (see cacheScripts.ts). */
type ScriptedClient = RedisClient & ScriptCommands;

export interface RedisConnectOptions {
  connectTimeoutMs: number;
  /**
   * ioredis auto-pipelining: commands issued in one tick wait for a setImmediate and go out as one write.
   * Measured against local servers: with 100-1000 commands in flight it doubles raw throughput, but the
   * engine mostly waits with few in flight, where that delay dominates: the 1,000,000-request bench
   * scenario took 12-13 s without it and 19 s with it (standalone and Cluster alike). So it is off unless
   * CACHESIM_REDIS_AUTOPIPELINING=1. Either way each command is written at once, in issue order.
   */
  autoPipelining?: boolean;
  /**
   * How long one command may go unanswered (ioredis's commandTimeout) before it fails, and with it the
   * run: a server that accepts connections but never answers must not hang it. Default 5 s.
   */
  commandTimeoutMs?: number;
}

export interface LiveRedisOptions extends RedisConnectOptions {
  runId: string;
  /** Real expiry set with every write, against leaks from a killed process; 0 sets none. */
  safetyTtlMs: number;
}

const noop = () => {};

/** ioredis's wording when it gives up on a connection; several of its errors carry only this. */
const CONNECTION_CLOSED = "Connection is closed.";
/** ioredis's wording when a command outlives commandTimeout. */
const COMMAND_TIMED_OUT = "Command timed out";

function baseOptions(config: RedisConfig, options: RedisConnectOptions): RedisOptions {
  return {
    username: config.username,
    password: config.password,
    // Node verifies each connection's certificate against that connection's own host (its default
    // servername), which is right for every Cluster node too; nothing to set beyond "use TLS".
    tls: config.tls ? {} : undefined,
    connectTimeout: options.connectTimeoutMs,
    // A failed command is never retried: after a reconnect we could not know whether it ran.
    maxRetriesPerRequest: 0,
    connectionName: "cachesim",
    lazyConnect: true,
    enableAutoPipelining: options.autoPipelining ?? false,
  };
}

function createClient(config: RedisConfig, options: RedisConnectOptions): RedisClient {
  if (config.mode === "standalone") {
    const node = config.nodes[0];
    if (!node) throw new Error("standalone config without a node");
    return new Redis({
      ...baseOptions(config, options),
      host: node.host,
      port: node.port,
      // SELECT is issued by connectRedis and awaited: ioredis's own SELECT only reports a failure as an
      // event and carries on in database 0.
      db: 0,
      // Give up on the first failure instead of ioredis's endless reconnect loop; we connect explicitly and
      // await ready, so there is never a reason to queue commands while offline either.
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
  }
  const { lazyConnect: _lazy, enableAutoPipelining, ...redisOptions } = baseOptions(config, options);
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    enableAutoPipelining,
    redisOptions,
    clusterRetryStrategy: () => null,
    enableOfflineQueue: false,
    slotsRefreshTimeout: options.connectTimeoutMs,
    // Redirections are followed (a resharding cluster still answers), but briefly: a cluster that stays
    // down must fail the run in seconds, not retry for ever.
    maxRedirections: 16,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    retryDelayOnFailover: 100,
  };
  return new Cluster(
    config.nodes.map((node) => ({ host: node.host, port: node.port })),
    clusterOptions,
  );
}

interface ErrnoLike {
  message?: string;
  code?: string;
  lastNodeError?: unknown;
}

/** What went wrong, in words for a person, and a short code; no address, no secret. */
export function classifyRedisError(error: unknown, config: RedisConfig): { text: string; code: string } {
  let cause = error as ErrnoLike | undefined;
  // A cluster that could not be reached at all hides the real reason one level down.
  if (cause?.lastNodeError) cause = cause.lastNodeError as ErrnoLike;
  const message = redact(String(cause?.message ?? error));
  const code = cause?.code ?? "";
  if (code === "ECONNREFUSED")
    return { text: "connection refused — is the server running on that port?", code };
  if (code === "ETIMEDOUT" || code === "TIMEOUT" || message === COMMAND_TIMED_OUT)
    return { text: "no answer in time — check the host, the port and any firewall", code: "ETIMEDOUT" };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { text: "the host name does not resolve", code };
  if (code === "ECONNRESET" || code === "EPIPE")
    return {
      text: `the server reset the connection${config.tls ? "" : " (if it requires TLS, use rediss://)"}`,
      code: "ECONNRESET",
    };
  if (/\bWRONGPASS\b/.test(message))
    return {
      text: "wrong username or password (WRONGPASS) — check REDIS_USERNAME / REDIS_PASSWORD",
      code: "WRONGPASS",
    };
  if (/\bNOAUTH\b/.test(message))
    return {
      text: "the server requires a password (NOAUTH) — set REDIS_PASSWORD or put it in REDIS_URL",
      code: "NOAUTH",
    };
  if (/\bNOPERM\b/.test(message)) return { text: `the user lacks a permission: ${message}`, code: "NOPERM" };
  if (/cluster support disabled/i.test(message))
    return {
      text: "this server is not a Cluster node — for a standalone server use REDIS_URL=redis://host:port",
      code: "NOT_CLUSTER",
    };
  if (/\bCLUSTERDOWN\b/.test(message))
    return { text: `the cluster is down (${message})`, code: "CLUSTERDOWN" };
  if (/SELECT is not allowed in cluster mode/i.test(message))
    return {
      text: "this server is a Cluster node — use REDIS_URL=redis+cluster://host:port,…",
      code: "IS_CLUSTER",
    };
  if (/wrong version number|certificate|SSL|TLS/i.test(message) || /^ERR_(SSL|TLS)/.test(code))
    return { text: `TLS handshake failed (${message})`, code: "TLS" };
  if (message === CONNECTION_CLOSED) return { text: "the connection was closed", code: "CLOSED" };
  return { text: message, code: code || "REDIS" };
}

/**
 * Turns whatever ioredis reported into a BackendError that says what is wrong and what to do, naming the
 * server (never a secret). `address` is the cluster node concerned, where known.
 */
export function explainRedisError(error: unknown, config: RedisConfig, address?: string): BackendError {
  if (error instanceof BackendError) return error;
  const { text, code } = classifyRedisError(error, config);
  const where = address ? `${config.description} (node ${address})` : config.description;
  return new BackendError(`${where}: ${text}`, {
    backend: "redis",
    address: address ?? config.description,
    code,
  });
}

/**
 * Connects and waits until the client is ready, within the connect timeout, or throws a BackendError that
 * names the server and the reason. On failure nothing is left open.
 */
export async function connectRedis(config: RedisConfig, options: RedisConnectOptions): Promise<RedisClient> {
  const client = createClient(config, options);
  // The "error" events carry the real reasons (ECONNREFUSED, WRONGPASS); connect() itself often rejects
  // with only "Connection is closed.". Listening also keeps ioredis from printing unhandled-error noise.
  // Per node, the most informative error is kept: a Cluster's seeds can fail each in its own way.
  const errors = new Map<string, unknown>();
  const remember = (error: unknown, address = "") => {
    const previous = errors.get(address);
    if (previous === undefined || (!isInformative(previous) && isInformative(error)))
      errors.set(address, error);
  };
  client.on("error", (error: unknown) => remember(error));
  if (client instanceof Cluster)
    client.on("node error", (error: unknown, key: string) => remember(error, key));

  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    // ioredis's connectTimeout covers the TCP connect only; a server that accepts and then never answers
    // (or a cluster whose slots never load) is caught here.
    timer = setTimeout(() => {
      timedOut = true;
      reject(
        new BackendError(
          `${config.description}: no answer within ${options.connectTimeoutMs} ms — check the host, the port and TLS (redis:// vs rediss://)`,
          { backend: "redis", address: config.description, code: "ETIMEDOUT" },
        ),
      );
    }, options.connectTimeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
    if (client instanceof Cluster) await checkClusterState(client, config);
    else await checkStandalone(client, config);
    applyCommandTimeout(client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    return client;
  } catch (error) {
    client.disconnect();
    const reported = [...errors].filter(([, e]) => isInformative(e));
    if (
      client instanceof Cluster &&
      (reported.length === 0 || timedOut) &&
      !(error instanceof BackendError && error.code !== "ETIMEDOUT")
    ) {
      // ioredis asks the seeds through throwaway connections whose errors it discards, so the reason
      // (refused, silent, wrong password, not a cluster) is only learnt by asking each seed ourselves.
      throw await diagnoseSeeds(config, options, error);
    }
    if (reported.length === 0) throw error instanceof BackendError ? error : explainRedisError(error, config);
    if (reported.length === 1 && !timedOut) {
      const [address, only] = reported[0] as [string, unknown];
      throw explainRedisError(only, config, address || undefined);
    }
    // Several seeds, several reasons (or some refused while others stayed silent): name each.
    const parts = reported.map(
      ([address, e]) => `${address || "server"}: ${classifyRedisError(e, config).text}`,
    );
    if (timedOut) parts.push(`no answer from the rest within ${options.connectTimeoutMs} ms`);
    const first = classifyRedisError(reported[0]?.[1], config);
    throw new BackendError(`${config.description}: ${parts.join("; ")}`, {
      backend: "redis",
      address: config.description,
      code: first.code,
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every command from now on fails if unanswered for timeoutMs (ioredis's commandTimeout, read per
 * command). Set only once connected: until then the connect timeout decides, with its own message.
 * A Cluster's nodes read it from the shared redisOptions, also nodes it meets later.
 */
function applyCommandTimeout(client: RedisClient, timeoutMs: number): void {
  if (client instanceof Cluster) {
    client.options.redisOptions = client.options.redisOptions ?? {};
    client.options.redisOptions.commandTimeout = timeoutMs;
    for (const node of client.nodes()) node.options.commandTimeout = timeoutMs;
  } else {
    client.options.commandTimeout = timeoutMs;
  }
}

/** How long each seed gets when a failed Cluster connect is diagnosed (they are asked in parallel). */
const SEED_DIAGNOSIS_MAX_MS = 1500;

/** Asks every seed node directly what is wrong, and says it per node. */
async function diagnoseSeeds(
  config: RedisConfig,
  options: RedisConnectOptions,
  original: unknown,
): Promise<BackendError> {
  const timeoutMs = Math.min(options.connectTimeoutMs, SEED_DIAGNOSIS_MAX_MS);
  const results = await Promise.all(config.nodes.map((node) => diagnoseSeed(config, node, timeoutMs)));
  const problems = results.filter(
    (result): result is { address: string; text: string; code: string } => !!result,
  );
  if (problems.length === 0) {
    const { text, code } =
      original instanceof BackendError
        ? { text: original.message.replace(`${config.description}: `, ""), code: original.code ?? "CLUSTER" }
        : classifyRedisError(original, config);
    return new BackendError(
      `${config.description}: every seed node answers, but the cluster could not be used (${text}); if the nodes announce addresses that are not reachable from here (Docker, NAT), the client cannot follow them`,
      { backend: "redis", address: config.description, code },
    );
  }
  const text = problems.map((problem) => `${problem.address}: ${problem.text}`).join("; ");
  return new BackendError(`${config.description}: ${text}`, {
    backend: "redis",
    address: problems.length === 1 ? (problems[0]?.address ?? null) : config.description,
    code: problems[0]?.code ?? "CLUSTER",
  });
}

async function diagnoseSeed(
  config: RedisConfig,
  node: RedisEndpoint,
  timeoutMs: number,
): Promise<{ address: string; text: string; code: string } | null> {
  const address = formatEndpoint(node);
  const client = new Redis({
    ...baseOptions(config, { connectTimeoutMs: timeoutMs, autoPipelining: false }),
    host: node.host,
    port: node.port,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let eventError: unknown = null;
  client.on("error", (error: unknown) => {
    if (eventError === null || (!isInformative(eventError) && isInformative(error))) eventError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })),
          timeoutMs,
        );
      }),
    ]);
    const info = String(await client.cluster("INFO"));
    const state = /cluster_state:(\w+)/.exec(info)?.[1];
    if (state !== "ok")
      return {
        address,
        text: `cluster_state:${state ?? "unknown"} (the cluster is not ready)`,
        code: "CLUSTERDOWN",
      };
    return null;
  } catch (error) {
    const cause = eventError !== null && isInformative(eventError) ? eventError : error;
    const { text, code } = classifyRedisError(cause, config);
    return { address, text, code };
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** ioredis's generic words say nothing about the cause; any other error does. */
function isInformative(error: unknown): boolean {
  const message = String((error as ErrnoLike)?.message ?? error);
  return !(
    message === CONNECTION_CLOSED ||
    message.startsWith(ClusterAllFailed) ||
    message === "Cluster is disconnected."
  );
}
const ClusterAllFailed = "Failed to refresh slots cache";

/** ioredis reports a cluster ready as soon as it has a slot table, even one with holes; we ask the cluster. */
async function checkClusterState(client: Cluster, config: RedisConfig): Promise<void> {
  const node = client.nodes("master")[0];
  if (!node)
    throw new BackendError(`${config.description}: the cluster has no master node`, {
      backend: "redis",
      code: "CLUSTERDOWN",
    });
  const info = String(await node.cluster("INFO"));
  const state = /cluster_state:(\w+)/.exec(info)?.[1];
  if (state !== "ok") {
    throw new BackendError(
      `${config.description}: the cluster is not ready (cluster_state:${state ?? "unknown"}) — wait for it, or check that every slot is assigned`,
      { backend: "redis", address: config.description, code: "CLUSTERDOWN" },
    );
  }
}

/** A Cluster node answers a standalone client only with MOVED errors later; say so now instead. */
async function checkStandalone(client: Redis, config: RedisConfig): Promise<void> {
  const info = await client.info("cluster");
  if (/cluster_enabled:1/.test(info)) {
    throw new BackendError(
      `${config.description}: this server is a Cluster node — use REDIS_URL=redis+cluster://host:port,… (or REDIS_CLUSTER_NODES)`,
      { backend: "redis", address: config.description, code: "IS_CLUSTER" },
    );
  }
  if (config.db !== 0) await client.select(config.db);
}

/**
 * Defines the conditional operations on a client and loads their scripts on every master beforehand, so
 * EVALSHA never meets NOSCRIPT: ioredis would then resend the script as EVAL, after commands issued later
 * on the same connection, and per-key command order is what parity rests on.
 */
async function defineScripts(client: RedisClient): Promise<ScriptedClient> {
  const servers: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  await Promise.all(
    servers.flatMap((server) => CACHE_SCRIPTS.map((script) => server.script("LOAD", script.lua))),
  );
  for (const script of CACHE_SCRIPTS) client.defineCommand(script.name, { numberOfKeys: 1, lua: script.lua });
  return client as ScriptedClient;
}

export class LiveRedisStore implements CacheStore {
  readonly description: string;
  /** Every key this run writes starts with this; nothing else does. */
  readonly prefix: string;
  /** The run's invalidation channel, namespaced like its keys. */
  readonly channel: string;
  private client: ScriptedClient;
  /** The dedicated subscriber connection, opened by the first publish. */
  private subscriber: RedisClient | null = null;
  private subscribing: Promise<void> | null = null;
  private subscribed = false;
  private readonly deliveries = new Deliveries();
  private readonly config: RedisConfig;
  private readonly options: LiveRedisOptions;
  /** Every key the run has asked to write, so that close() removes exactly those. */
  private readonly written = new Set<string>();
  private failure: BackendError | null = null;
  private closing: Promise<void> | null = null;

  private constructor(client: ScriptedClient, config: RedisConfig, options: LiveRedisOptions) {
    this.client = client;
    this.config = config;
    this.options = options;
    this.description = config.description;
    this.prefix = redisPrefix(options.runId);
    this.channel = `${this.prefix}invalidations`;
    this.watch(client);
  }

  static async open(config: RedisConfig, options: LiveRedisOptions): Promise<LiveRedisStore> {
    const client = await connectRedis(config, options);
    try {
      return new LiveRedisStore(await defineScripts(client), config, options);
    } catch (error) {
      client.disconnect();
      throw explainRedisError(error, config);
    }
  }

  /** The run's failure, once a server has let it down; null while all is well. */
  get failed(): BackendError | null {
    return this.failure;
  }

  /** How many distinct keys the run has written (and close() will remove). */
  get writtenKeyCount(): number {
    return this.written.size;
  }

  get(key: string): Promise<string | null> {
    if (this.failure) return this.rejected();
    return this.guard(this.client.get(this.prefix + key).then(undefined, this.onError));
  }

  set(key: string, value: string): Promise<void> {
    if (this.failure) return this.rejected();
    const fullKey = this.prefix + key;
    // Tracked before the reply: a SET whose reply is lost may still have run, and must still be removed.
    this.written.add(fullKey);
    const ttlMs = this.options.safetyTtlMs;
    const reply = ttlMs > 0 ? this.client.set(fullKey, value, "PX", ttlMs) : this.client.set(fullKey, value);
    return this.guard(reply.then(noop, this.onError));
  }

  del(key: string): Promise<void> {
    if (this.failure) return this.rejected();
    return this.guard(this.client.del(this.prefix + key).then(noop, this.onError));
  }

  setIfNewer(key: string, entry: string, version: number, nowUs: number): Promise<number> {
    if (this.failure) return this.rejected();
    const fullKey = this.prefix + key;
    this.written.add(fullKey);
    const reply = this.client.cachesimSetIfNewer(fullKey, entry, version, nowUs, this.options.safetyTtlMs);
    return this.guard(reply.then(Number, this.onError));
  }

  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): Promise<LeaseAnswer> {
    if (this.failure) return this.rejected();
    const fullKey = this.prefix + key;
    this.written.add(fullKey);
    const reply = this.client.cachesimTakeLease(
      fullKey,
      token,
      nowUs,
      leaseExpiresAtUs,
      this.options.safetyTtlMs,
    );
    return this.guard(reply.then(String, this.onError));
  }

  fillLease(key: string, token: number, nowUs: number, entry: string): Promise<number> {
    if (this.failure) return this.rejected();
    const fullKey = this.prefix + key;
    this.written.add(fullKey);
    const reply = this.client.cachesimFillLease(fullKey, token, nowUs, entry, this.options.safetyTtlMs);
    return this.guard(reply.then(Number, this.onError));
  }

  publish(message: string): Promise<void> {
    if (this.failure) return this.rejected();
    const { framed, arrived } = this.deliveries.send(message);
    // The message must come back to our own subscriber within the command timeout, like any reply.
    const timer = setTimeout(() => {
      this.deliveries.failOne(
        framed,
        this.timedOut("a published invalidation (it never reached the run's subscriber)"),
      );
    }, this.commandTimeoutMs);
    const clear = () => clearTimeout(timer);
    arrived.then(clear, clear);
    const send = () => {
      this.client.publish(this.channel, framed).then(noop, (error: unknown) => {
        this.deliveries.failOne(framed, this.toBackendError(error));
      });
    };
    // Once subscribed, PUBLISH goes out at once, in order with the run's other commands; the first one
    // waits for the subscription, or it would reach nobody.
    if (this.subscribed) send();
    else
      this.subscribe().then(send, (error: unknown) =>
        this.deliveries.failOne(framed, this.toBackendError(error)),
      );
    return arrived;
  }

  locate(key: string): string | null {
    return nodeForKey(this.client, this.prefix + key);
  }

  /** Opens the dedicated subscriber connection (a Cluster delivers PUBLISH to every node: one is enough). */
  private subscribe(): Promise<void> {
    this.subscribing ??= (async () => {
      const subscriber = await connectRedis(this.config, this.options);
      if (this.closing || this.failure) {
        subscriber.disconnect();
        throw this.failure ?? new Error(CONNECTION_CLOSED);
      }
      this.subscriber = subscriber;
      subscriber.on("error", noop);
      subscriber.on("message", (_channel: string, framed: string) => this.deliveries.received(framed));
      const lost = () => {
        if (this.closing) return;
        const error = this.fail(new Error(CONNECTION_CLOSED));
        this.deliveries.failAll(error);
      };
      subscriber.on("close", lost);
      subscriber.on("end", lost);
      await subscriber.subscribe(this.channel);
      this.subscribed = true;
    })();
    return this.subscribing;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Rethrows a command's failure as the run's BackendError (an arrow: it is passed to then() as is). */
  private readonly onError = (error: unknown): never => {
    throw this.toBackendError(error);
  };

  /**
   * Marks the promise handled: the engine awaits a result only when its continuation is due, and a
   * rejection nobody has awaited yet must not crash the process as an unhandled rejection meanwhile.
   * Whoever awaits it later still gets the error.
   */
  private guard<T>(promise: Promise<T>): Promise<T> {
    promise.catch(noop);
    return promise;
  }

  private rejected(): Promise<never> {
    const promise = Promise.reject(this.failure);
    promise.catch(noop);
    return promise;
  }

  private toBackendError(error: unknown): BackendError {
    if (this.failure) return this.failure;
    const message = String((error as ErrnoLike)?.message ?? error);
    if (message === COMMAND_TIMED_OUT) return this.timedOut("a command");
    // A reply error (a wrong type, a permission) concerns one command; anything about the connection ends the run.
    const connectionLost =
      message === CONNECTION_CLOSED ||
      /Stream isn't writeable|Command aborted|Cluster is disconnected|Failed to refresh slots|connect E/.test(
        message,
      );
    if (connectionLost || this.client.status !== "ready") return this.fail(error);
    return explainRedisError(error, this.config);
  }

  private get commandTimeoutMs(): number {
    return this.options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  /** A server that stopped answering ends the run, with the setting that decides how long we wait. */
  private timedOut(what: string): BackendError {
    if (this.failure) return this.failure;
    return this.fail(
      new BackendError(
        `${this.config.description}: no answer to ${what} within ${this.commandTimeoutMs} ms during the run — ` +
          "the server accepts connections but stopped answering (raise CACHESIM_COMMAND_TIMEOUT_MS if it is only slow)",
        { backend: "redis", address: this.config.description, code: "ETIMEDOUT" },
      ),
    );
  }

  private fail(reason: unknown, address?: string): BackendError {
    if (this.failure) return this.failure;
    const { text, code } =
      reason instanceof BackendError
        ? { text: reason.message, code: reason.code ?? "" }
        : classifyRedisError(reason, this.config);
    const node = address ? ` (node ${address})` : "";
    this.failure =
      reason instanceof BackendError && reason.code === "ETIMEDOUT"
        ? reason
        : new BackendError(`lost ${this.config.description}${node} during the run: ${text}`, {
            backend: "redis",
            address: address ?? this.config.description,
            code: code || "CONNECTION_LOST",
          });
    // Whatever is still queued on the other connections is failed at once too, rather than left to time out.
    if (!this.closing) {
      this.client.disconnect();
      this.subscriber?.disconnect();
    }
    this.deliveries.failAll(this.failure);
    return this.failure;
  }

  /** After open, any lost connection fails the run. */
  private watch(client: RedisClient): void {
    let lastError: unknown = null;
    let lastAddress: string | undefined;
    client.on("error", (error: unknown) => {
      lastError = error;
    });
    const onLost = () => {
      if (!this.closing) this.fail(lastError ?? new Error(CONNECTION_CLOSED), lastAddress);
    };
    if (client instanceof Cluster) {
      client.on("node error", (error: unknown, key: string) => {
        lastError = error;
        lastAddress = key;
      });
      client.on("-node", (node: Redis) => {
        lastAddress ??= formatEndpoint({ host: String(node.options.host), port: Number(node.options.port) });
        onLost();
      });
    }
    client.on("close", onLost);
    client.on("end", onLost);
  }

  private isUsable(): boolean {
    return !this.failure && this.client.status === "ready";
  }

  private async shutDown(): Promise<void> {
    this.deliveries.failAll(
      this.failure ??
        new BackendError(`${this.config.description}: the store is closed`, {
          backend: "redis",
          address: this.config.description,
          code: "CLOSED",
        }),
    );
    if (this.subscriber) this.subscriber.disconnect();
    const keys = [...this.written];
    let cleanupError: unknown = null;
    let client: RedisClient = this.client;
    if (keys.length > 0) {
      try {
        // After a drop, the run's keys are still worth removing: a fresh connection, just for that.
        if (!this.isUsable()) {
          this.client.disconnect();
          client = await connectRedis(this.config, this.options);
          client.on("error", noop);
          if (client instanceof Cluster) client.on("node error", noop);
        }
        await deleteKeys(client, keys);
      } catch (error) {
        cleanupError = error;
      }
    }
    await quitQuietly(client);
    if (client !== this.client) this.client.disconnect();
    if (cleanupError) {
      const reason = classifyRedisError(cleanupError, this.config).text;
      const expiry =
        this.options.safetyTtlMs > 0
          ? `they expire by themselves within ${Math.ceil(this.options.safetyTtlMs / 60000)} min`
          : "remove them by hand";
      throw new BackendError(
        `could not remove the run's ${keys.length} keys (${this.prefix}*) from ${this.config.description}: ${reason}; ${expiry}`,
        { backend: "redis", address: this.config.description, code: "CLEANUP_FAILED" },
      );
    }
  }
}

/** How many keys one DEL names on a standalone server: big enough to be cheap, small enough not to block it. */
const DELETE_BATCH = 500;

async function deleteKeys(client: RedisClient, keys: string[]): Promise<void> {
  const pending: Array<Promise<unknown>> = [];
  if (client instanceof Cluster) {
    // A multi-key DEL must stay within one slot; group by slot, and let auto-pipelining batch per node.
    const bySlot = new Map<number, string[]>();
    for (const key of keys) {
      const slot = calculateSlot(key);
      const group = bySlot.get(slot);
      if (group) group.push(key);
      else bySlot.set(slot, [key]);
    }
    for (const group of bySlot.values()) {
      for (let i = 0; i < group.length; i += DELETE_BATCH)
        pending.push(client.del(...group.slice(i, i + DELETE_BATCH)));
    }
  } else {
    for (let i = 0; i < keys.length; i += DELETE_BATCH)
      pending.push(client.del(...keys.slice(i, i + DELETE_BATCH)));
  }
  const results = await Promise.allSettled(pending);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** QUIT waits for replies still due; a server that does not answer it within a second is simply dropped. */
async function quitQuietly(client: RedisClient): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit().catch(noop),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * The `host:port` of the Cluster node that holds a (full) key, from the cluster's own slot table — the
 * same table ioredis routes the command with; null for a standalone server.
 */
export function nodeForKey(client: RedisClient, key: string): string | null {
  if (!(client instanceof Cluster)) return null;
  return client.slots[calculateSlot(key)]?.[0] ?? null;
}
