// link-loss — messages on a node's links to a tier are lost with a probability, for a while. A lost
// request (or its lost answer) times out like a partitioned one. Each link draws from its own stream.
import type { Link } from "../../model/link.ts";
import { choice, nodeRef, numberIn, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import type { FaultKind } from "../fault.ts";
import { describeTarget, LINK_TIERS, type LinkTier, linksOf, nodesOf } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface LinkLossOptions extends FaultWindow {
  node: string | undefined;
  tier: LinkTier;
  shard: string | undefined;
  loss: number;
}

const options = strict({
  ...windowFields,
  node: nodeRef.optional().describe("the node whose links lose messages; left out, every node"),
  tier: choice(LINK_TIERS).default("cache").describe("which links: cache, database, broker or all"),
  shard: nodeRef.optional().describe("with tier cache: only the link to this shard"),
  loss: numberIn(0, 1).default(0.1).describe("probability that one message (request or answer) is lost"),
}).transform(
  (o): LinkLossOptions => ({ ...windowOf(o), node: o.node, tier: o.tier, shard: o.shard, loss: o.loss }),
);

export const linkLoss: FaultKind<LinkLossOptions> = {
  name: "link-loss",
  summary: "messages on the chosen links are lost with a probability (a lost request times out)",
  options,
  create({ world }, o) {
    const links: Link[] = nodesOf(world, o.node).flatMap((n) => linksOf(world, n, o.tier, o.shard));
    const before = links.map((l) => l.lossProbability);
    return {
      target: describeTarget(o.node, o.tier, o.shard),
      start: () => {
        for (const link of links) link.lossProbability = o.loss;
      },
      end: () => {
        links.forEach((link, i) => {
          link.lossProbability = before[i] as number;
        });
      },
    };
  },
};
