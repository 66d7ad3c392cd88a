// In-process Redis stand-in: ioredis-mock, one isolated instance per run. ioredis-mock shares data
// between instances with the same host:port/db, so each run gets a host name of its own.
import RedisMock from "ioredis-mock";
import { fillLeaseRule, leaseEntry, setIfNewerRule, takeLeaseRule } from "./entryRules.ts";
import type { CacheStore } from "./types.ts";

let instancesCreated = 0;

export class MemoryCacheStore implements CacheStore {
  readonly description = "in-process Redis (ioredis-mock)";
  private readonly redis: InstanceType<typeof RedisMock>;
  private closed = false;

  constructor() {
    instancesCreated += 1;
    this.redis = new RedisMock({ host: `cachesim-run-${instancesCreated}`, port: 6379, lazyConnect: false });
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.redis.set(key, value);
  }

  async del(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async setIfNewer(key: string, entry: string, version: number, nowUs: number): Promise<number> {
    if (!setIfNewerRule(await this.redis.get(key), version, nowUs)) return 0;
    await this.redis.set(key, entry);
    return 1;
  }

  async takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): Promise<string> {
    const answer = takeLeaseRule(await this.redis.get(key), nowUs);
    if (answer === "granted") await this.redis.set(key, leaseEntry(token, leaseExpiresAtUs));
    return answer;
  }

  async fillLease(key: string, token: number, nowUs: number, entry: string): Promise<number> {
    if (!fillLeaseRule(await this.redis.get(key), token, nowUs)) return 0;
    await this.redis.set(key, entry);
    return 1;
  }

  async publish(message: string): Promise<void> {
    await this.redis.publish("cachesim:invalidations", message);
  }

  locate(): string | null {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The instance is this run's alone, so emptying it touches nobody else's keys.
    await this.redis.flushall();
    this.redis.disconnect();
  }
}
