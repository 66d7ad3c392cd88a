// invalidation-loss — for a while, invalidation messages to a node (or to every node) are lost with a
// probability and/or delayed. Acts on the broker's delivery links of `near: broadcast`; a node that
// misses an invalidation serves its near copy until the entry's TTL.
import type { Link } from "../../model/link.ts";
import { duration, nodeRef, numberIn, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import { type FaultKind, FaultTargetError } from "../fault.ts";
import { nodesOf } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface InvalidationLossOptions extends FaultWindow {
  node: string | undefined;
  loss: number;
  delayUs: number;
}

const options = strict({
  ...windowFields,
  node: nodeRef.optional().describe("the receiving node; left out, every node"),
  loss: numberIn(0, 1).default(1).describe("probability that one node's copy of a message is lost"),
  delay: duration().default(0).describe("added to the delivery of every copy that is not lost"),
}).transform(
  (o): InvalidationLossOptions => ({ ...windowOf(o), node: o.node, loss: o.loss, delayUs: o.delay }),
);

export const invalidationLoss: FaultKind<InvalidationLossOptions> = {
  name: "invalidation-loss",
  summary: "invalidation messages (near: broadcast) are lost and/or delayed for a while",
  options,
  create({ world }, o) {
    const links: Link[] = [];
    for (const node of nodesOf(world, o.node)) {
      if (node.invalidationLink !== null) links.push(node.invalidationLink);
    }
    if (links.length === 0) {
      throw new FaultTargetError(
        "invalidation-loss needs a strategy whose near caches receive invalidations (near: broadcast)",
      );
    }
    const before = links.map((l) => [l.lossProbability, l.latencyFactor, l.latencyExtraUs] as const);
    return {
      target: `broker→${o.node ?? "every node"}`,
      start: () => {
        for (const link of links) {
          link.lossProbability = o.loss;
          link.setLatency(link.latencyFactor, o.delayUs);
        }
      },
      end: () => {
        links.forEach((link, i) => {
          const [loss, factor, extraUs] = before[i] as readonly [number, number, number];
          link.lossProbability = loss;
          link.setLatency(factor, extraUs);
        });
      },
    };
  },
};
