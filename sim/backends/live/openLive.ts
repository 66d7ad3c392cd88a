// Opens the live backends of one run from the environment (and .env): the Redis cache tier and the
// system of record, each under the run's own namespace (key prefix / table). Either both open or neither
// stays open: a run that cannot have both fails before it starts, and leaves nothing behind.
import type { Backends, RecordStore } from "../../model/ports.ts";
import { BackendError } from "./backendError.ts";
import {
  type LiveOptions,
  loadEnv,
  newRunId,
  parseLiveOptions,
  parseRedisConfig,
  parseSqliteConfig,
  type SqliteConfig,
} from "./config.ts";
import { LiveRedisStore } from "./liveRedisStore.ts";
import { SqliteCloudStore } from "./sqliteCloudStore.ts";
import { SqliteFileStore } from "./sqliteFileStore.ts";

export const REDIS_NOT_CONFIGURED =
  "live mode needs a Redis server: set REDIS_URL (e.g. redis://127.0.0.1:6379, rediss://… for TLS) or, for a " +
  "Redis Cluster, REDIS_CLUSTER_NODES=host:port,host:port — in the environment or in a .env file here; " +
  "`cachesim doctor` checks the setup";

export interface OpenLiveOptions {
  /** Where `.env` is read from and a relative SQLite path is resolved against; the working directory by default. */
  cwd?: string;
}

/** Opens the run's system of record: a SQLite file, or SQLite Cloud. */
export function openRecordStore(
  config: SqliteConfig,
  options: LiveOptions & { runId: string; cwd?: string },
): Promise<RecordStore & { readonly table: string }> {
  if (config.kind === "cloud") return SqliteCloudStore.open(config, options);
  return SqliteFileStore.open(config, options);
}

/**
 * Opens Redis (standalone or Cluster) and the system of record named by REDIS_URL / REDIS_CLUSTER_NODES and
 * SQLITE_URL (default: the file reports/live.sqlite). Throws BackendError with a message for the user
 * when something is not configured, not installed or not reachable.
 */
export async function openLiveBackends(
  env: NodeJS.ProcessEnv,
  options: OpenLiveOptions = {},
): Promise<Backends> {
  const cwd = options.cwd ?? process.cwd();
  const { env: merged } = loadEnv(env, cwd);
  const redisConfig = parseRedisConfig(merged);
  if (!redisConfig)
    throw new BackendError(REDIS_NOT_CONFIGURED, { backend: "redis", code: "NOT_CONFIGURED" });
  const sqliteConfig = parseSqliteConfig(merged);
  const liveOptions = parseLiveOptions(merged);
  const runId = newRunId();

  const [cache, records] = await Promise.allSettled([
    LiveRedisStore.open(redisConfig, { ...liveOptions, runId }),
    openRecordStore(sqliteConfig, { ...liveOptions, runId, cwd }),
  ]);
  if (cache.status === "fulfilled" && records.status === "fulfilled")
    return { cache: cache.value, records: records.value };

  // Close whichever did open, so a failed start leaves no keys, no table and no open socket behind.
  if (cache.status === "fulfilled") await cache.value.close().catch(() => {});
  if (records.status === "fulfilled") await records.value.close().catch(() => {});
  const errors = [cache, records]
    .filter((result): result is PromiseRejectedResult => result.status === "rejected")
    .map((result) => toBackendError(result.reason));
  const first = errors[0] as BackendError;
  if (errors.length === 1) throw first;
  throw new BackendError(errors.map((error) => error.message).join("; and "), {
    backend: first.backend,
    address: first.address,
    code: first.code,
  });
}

function toBackendError(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  // Not expected (every store maps its failures), but a bug must not leak a secret on its way out either.
  return new BackendError(String((error as Error)?.message ?? error), {
    backend: "redis",
    code: "UNEXPECTED",
  });
}
