// A link between a node and a peer (a global-cache shard, the database, the message broker): a one-way
// latency model, an up/down state, a loss probability and a latency-spike factor. Faults act on links;
// the tiers ask a link for each hop. Each link draws loss from its own named stream, made only when a
// loss is configured, so adding a fault never shifts the numbers any other component draws. Latency
// streams keep their historical names (`link:<node>:cache`, `link:<node>:database`): the links from one
// node to the shards of the global cache share the node's cache latency stream, exactly as before links
// were objects, so a scenario without faults draws the same numbers it always did.
import type { RngStreams } from "../core/rng.ts";
import type { LatencyModel } from "../spec/types.ts";
import { type LatencySampler, latencySampler } from "./latency.ts";

export class Link {
  /** False while the link is partitioned: nothing sent on it arrives. */
  up = true;
  /** Probability that one message on the link is lost (0 = none; no draw is made then). */
  lossProbability = 0;
  /** Every hop's latency is multiplied by this, then extraDelayUs added (a latency spike, a delay). */
  private spikeFactor = 1;
  private extraDelayUs = 0;
  /** No spike and no extra delay: a hop is exactly one sample. */
  private nominal = true;
  /** How many faults hold the link down at once; it comes up when the last one ends. */
  private downCount = 0;
  private lossStream: { next(): number } | null = null;

  constructor(
    /** `<node>→<peer>`, e.g. `NodeA→cache:node_a`, for messages and the faults report. */
    readonly name: string,
    /** Name of the link's own loss stream. */
    private readonly lossStreamName: string,
    private readonly sample: LatencySampler,
    private readonly rng: RngStreams,
  ) {}

  /** One hop's latency, in whole microseconds (spiked while a spike is on). */
  hopUs(): number {
    if (this.nominal) return this.sample();
    return Math.round(this.sample() * this.spikeFactor) + this.extraDelayUs;
  }

  /** Sets the spike factor and extra delay (1 and 0 end the spike). */
  setLatency(factor: number, extraDelayUs: number): void {
    this.spikeFactor = factor;
    this.extraDelayUs = extraDelayUs;
    this.nominal = factor === 1 && extraDelayUs === 0;
  }

  get latencyFactor(): number {
    return this.spikeFactor;
  }

  get latencyExtraUs(): number {
    return this.extraDelayUs;
  }

  /** Whether a message sent now gets through (down: never; else a loss draw if a loss is set). */
  delivers(): boolean {
    if (!this.up) return false;
    if (this.lossProbability === 0) return true;
    if (this.lossStream === null) this.lossStream = this.rng.stream(this.lossStreamName);
    return this.lossStream.next() >= this.lossProbability;
  }

  /** A fault takes the link down (several may overlap). */
  takeDown(): void {
    this.downCount++;
    this.up = false;
  }

  /** A fault that took the link down ends. */
  bringUp(): void {
    if (this.downCount > 0) this.downCount--;
    this.up = this.downCount === 0;
  }
}

/** A node's links, built with the stream names scenarios have always used for their latencies. */
export function nodeLinks(
  nodeName: string,
  network: { cache: LatencyModel; database: LatencyModel },
  shardNames: readonly string[],
  rng: RngStreams,
): { cacheLinks: Link[]; databaseLink: Link; brokerLink: Link } {
  const cacheSample = latencySampler(network.cache, rng.stream(`link:${nodeName}:cache`));
  const databaseSample = latencySampler(network.database, rng.stream(`link:${nodeName}:database`));
  return {
    cacheLinks: shardNames.map(
      (shard) =>
        new Link(`${nodeName}→cache:${shard}`, `link:${nodeName}:cache:${shard}:loss`, cacheSample, rng),
    ),
    databaseLink: new Link(`${nodeName}→database`, `link:${nodeName}:database:loss`, databaseSample, rng),
    brokerLink: new Link(`${nodeName}→broker`, `link:${nodeName}:broker:loss`, cacheSample, rng),
  };
}
