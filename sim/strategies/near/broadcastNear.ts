// near: broadcast — Redis client-side caching in broadcast mode. When a write is acknowledged, its node
// publishes an invalidation through the global cache's pub/sub (one hop to the cache); every other node
// with a near cache drops the key when its copy arrives. Each receiving node has its own delivery link:
// a latency model and a loss probability, each drawing from the node's own seeded streams, so another
// node's messages never shift its numbers. The message really goes through Redis (PUBLISH/SUBSCRIBE);
// when each node applies it is decided by the engine, so live runs stay byte-identical.

import { latencyField } from "../../model/latency/field.ts";
import { latencyModels } from "../../model/latency/registry.ts";
import { latencySampler } from "../../model/latency.ts";
import { Link } from "../../model/link.ts";
import { BROKER_LANE, nodeLane } from "../../model/messageTap.ts";
import type { Operation } from "../../model/operation.ts";
import type { Key } from "../../model/oracle.ts";
import type { MaybePromise } from "../../model/ports.ts";
import type { SimNode } from "../../model/simNode.ts";
import { TALLY } from "../../model/tally.ts";
import { numberIn, strict } from "../../plugin/options.ts";
import type { LatencyModel } from "../../spec/types.ts";
import type { NearPart } from "../part.ts";
import { background } from "../steps.ts";

export interface BroadcastOptions {
  latency: LatencyModel;
  loss: number;
}

const options = strict({
  latency: latencyField(latencyModels)
    .default({ dist: "constant", valueUs: 1_000 })
    .describe("delivery latency from the cache to each receiving node"),
  loss: numberIn(0, 1).default(0).describe("probability that one node's copy of a message is lost"),
});

interface Delivery {
  node: SimNode;
  key: Key;
  /** The receiving node's epoch when the message was sent. */
  epoch: number;
}

export const broadcastNear: NearPart<BroadcastOptions> = {
  name: "broadcast",
  summary:
    "a write publishes an invalidation that every other node applies when it arrives (client-side caching, broadcast mode)",
  options,
  usesGlobalTier: true,
  create({ world }, { latency: model, loss }) {
    const { scheduler, globalCache, tally, rng, nodes } = world;
    const tap = world.messages ?? null;
    // The broker's delivery link to each node, drawing from the node's own streams; faults act on it
    // (invalidation-loss) through node.invalidationLink.
    for (const node of nodes) {
      const link = new Link(
        `broker→${node.name}`,
        `near:broadcast:${node.name}:loss`,
        latencySampler(model, rng.stream(`near:broadcast:${node.name}:latency`)),
        rng,
      );
      link.lossProbability = loss;
      node.invalidationLink = link;
    }

    const apply = (_received: unknown, d: Delivery) => {
      if (d.epoch !== d.node.epoch) return; // the node crashed meanwhile: its cache is already empty
      d.node.cache?.delete(d.key.name);
      tally.bump(d.node.index, TALLY.invalidationsApplied);
    };
    const atBroker = (op: Operation) => {
      const published: MaybePromise<void> = globalCache.publishAtCache(op);
      for (const node of nodes) {
        if (node === op.node || node.cache === null) continue;
        tally.bump(op.node.index, TALLY.invalidationsSent);
        const link = node.invalidationLink as Link;
        const what = `invalidate ${op.key.name}`;
        if (!link.delivers()) {
          tally.bump(node.index, TALLY.invalidationsLost);
          tap?.message(op.opId, BROKER_LANE, nodeLane(node.name), what, scheduler.nowUs, null, "lost");
          continue;
        }
        const hopUs = link.hopUs();
        tap?.message(
          op.opId,
          BROKER_LANE,
          nodeLane(node.name),
          what,
          scheduler.nowUs,
          scheduler.nowUs + hopUs,
          "",
        );
        scheduler.afterResultNoHandle(published, hopUs, apply, { node, key: op.key, epoch: node.epoch });
      }
    };
    return {
      written(op) {
        globalCache.shardFor(op.key);
        const link = op.node.brokerLink;
        const what = `PUBLISH invalidate ${op.key.name}`;
        const from = nodeLane(op.node.name);
        if (world.faults !== null && !link.delivers()) {
          // The publisher is cut off from the broker: every node's copy is lost.
          for (const node of nodes)
            if (node !== op.node && node.cache !== null) tally.bump(node.index, TALLY.invalidationsLost);
          tap?.message(
            op.opId,
            from,
            BROKER_LANE,
            what,
            scheduler.nowUs,
            null,
            `lost on the link ${link.name}`,
          );
          return;
        }
        const hopUs = link.hopUs();
        tap?.message(op.opId, from, BROKER_LANE, what, scheduler.nowUs, scheduler.nowUs + hopUs, "");
        scheduler.after(hopUs, atBroker, background(op));
      },
    };
  },
};
