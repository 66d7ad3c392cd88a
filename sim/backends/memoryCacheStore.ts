// In-process Redis stand-in: ioredis-mock, one isolated instance per run. ioredis-mock shares data (and
// pub/sub) between instances with the same host:port/db, so each run gets a host name of its own.
//
// Every operation reads and writes the mock's own keyspace synchronously: the conditional ones
// (setIfNewer, takeLease, fillLease) by the rules in conditionalOps.ts, which mirror the Lua scripts live
// Redis runs. That is atomic (nothing runs in between) and in the order the engine issues them.
import RedisMock from "ioredis-mock";
import { KeptForNextRun } from "../core/betweenRuns.ts";
import type { CacheStore, LeaseAnswer } from "../model/ports.ts";
import { fillLeaseStores, leaseAnswer, leaseEntry, setIfNewerStores } from "./conditionalOps.ts";
import { Deliveries } from "./deliveries.ts";

let instancesCreated = 0;

type MockClient = InstanceType<typeof RedisMock>;

/**
 * The last run's instance, emptied, for the next run in this thread while runs are kept for the runs
 * after them (keepBetweenRuns: a sweep, between its points). A new instance builds a function for each
 * of ioredis-mock's few hundred commands: about 1.5 ms and 250 KB of garbage, a tenth of a short
 * point. Only an instance that never subscribed is kept, so no pub/sub state can reach the next run.
 */
const spare = new KeptForNextRun<MockClient>((redis) => redis.disconnect());

/** ioredis-mock's keyspace (`redis.data`, untyped in @types/ioredis-mock): what its commands run against. */
interface MockKeyspace {
  get(key: string): unknown;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** The run's invalidation channel; the instance is the run's own, so the name need not be unique. */
const CHANNEL = "cachesim:invalidations";

const noop = () => {};

export class MemoryCacheStore implements CacheStore {
  readonly description = "in-process Redis (ioredis-mock)";
  private readonly redis: MockClient;
  private readonly keyspace: MockKeyspace;
  private subscriber: MockClient | null = null;
  private subscribed: Promise<unknown> | null = null;
  private readonly deliveries = new Deliveries();
  private closed = false;

  constructor() {
    const kept = spare.take();
    if (kept !== null) this.redis = kept;
    else {
      instancesCreated += 1;
      this.redis = new RedisMock({
        host: `cachesim-run-${instancesCreated}`,
        port: 6379,
        lazyConnect: false,
      });
    }
    this.keyspace = (this.redis as unknown as { data: MockKeyspace }).data;
  }

  // GET, SET and DEL go straight to the keyspace too: the mock's command layer (argument transformers,
  // a promise and a callback adapter per call) costs about 1.2-2 us of CPU per call against 0.4-0.6 us
  // for the keyspace itself, on the path of every global-cache request, for the same effect.
  get(key: string): string | null {
    return this.current(key);
  }

  set(key: string, value: string): void {
    this.keyspace.set(key, value);
  }

  del(key: string): void {
    this.keyspace.delete(key);
  }

  setIfNewer(key: string, entry: string, version: number, nowUs: number): number {
    if (!setIfNewerStores(this.current(key), version, nowUs)) return 0;
    this.keyspace.set(key, entry);
    return 1;
  }

  takeLease(key: string, token: number, nowUs: number, leaseExpiresAtUs: number): LeaseAnswer {
    const answer = leaseAnswer(this.current(key), nowUs);
    if (answer === "granted") this.keyspace.set(key, leaseEntry(token, leaseExpiresAtUs));
    return answer;
  }

  fillLease(key: string, token: number, nowUs: number, entry: string): number {
    if (!fillLeaseStores(this.current(key), token, nowUs)) return 0;
    this.keyspace.set(key, entry);
    return 1;
  }

  /** What the key holds as a string, or null (the engine stores only strings). */
  private current(key: string): string | null {
    const value = this.keyspace.get(key);
    return typeof value === "string" ? value : null;
  }

  publish(message: string): Promise<void> {
    const { framed, arrived } = this.deliveries.send(message);
    // Publish only once the subscription stands, or the first message would reach nobody.
    this.subscribe()
      .then(() => this.redis.publish(CHANNEL, framed))
      .catch((error: unknown) => this.deliveries.failOne(framed, error));
    return arrived;
  }

  locate(): string | null {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deliveries.failAll(new Error("the in-process cache store is closed"));
    if (this.subscriber) this.subscriber.disconnect();
    // The instance is this run's alone, so emptying it touches nobody else's keys.
    await this.redis.flushall();
    if (this.subscriber !== null || !spare.offer(this.redis)) this.redis.disconnect();
  }

  /** A second connection to the same in-process server, subscribed to the run's channel. */
  private subscribe(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on("message", (_channel: string, framed: string) => this.deliveries.received(framed));
    this.subscribed = subscriber.subscribe(CHANNEL);
    this.subscribed.catch(noop);
    return this.subscribed;
  }
}
