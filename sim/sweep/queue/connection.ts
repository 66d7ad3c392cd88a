// The Redis a sweep queue lives on, named by a URL: redis://[:password@]host:port/db (rediss:// for
// TLS). The queue wants a database or instance of its own with `maxmemory-policy noeviction`: evicting a
// job's keys would lose a point (BullMQ warns at connect when the policy is another).
import { Redis } from "ioredis";

export class QueueError extends Error {
  override readonly name = "QueueError";
}

/** The queue sweeps and workers use unless told otherwise (--queue-name). */
export const DEFAULT_QUEUE_NAME = "cachesim-sweep";

/** How long connecting may take before we say the server is not there. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Without the password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/** Opens and checks a connection; a bad URL or an unreachable server is a QueueError. */
export async function openRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueError(
      `--queue takes a Redis URL such as redis://127.0.0.1:6379/2, found ${JSON.stringify(url)}`,
    );
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new QueueError(`--queue takes a redis:// or rediss:// URL, found ${parsed.protocol}//`);
  }
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) {
    throw new QueueError(`the database in ${safeUrl(url)} must be a number, as in redis://host:6379/2`);
  }
  // BullMQ's blocking commands need maxRetriesPerRequest: null.
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  // Connection errors reach the caller through connect() below; without a listener ioredis would also
  // print each one. Later errors are reported by whoever uses the connection (the worker logs them).
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new QueueError(`cannot reach the queue's Redis at ${safeUrl(url)}: ${reason}`);
  }
  // From here on, reconnect after a blip rather than give up on a long sweep.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  return redis;
}
