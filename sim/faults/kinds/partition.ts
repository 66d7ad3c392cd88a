// partition — a node loses its links to a tier (the global cache, one shard of it, the database, the
// broker, or all of them) for a while. Requests sent on a down link, or whose answer would come back on
// it, time out (faults.timeout); each read and write path then takes its fallback.
import type { Link } from "../../model/link.ts";
import { choice, nodeRef, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import type { FaultKind } from "../fault.ts";
import { describeTarget, LINK_TIERS, type LinkTier, linksOf, nodesOf } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface PartitionOptions extends FaultWindow {
  node: string | undefined;
  tier: LinkTier;
  shard: string | undefined;
}

const options = strict({
  ...windowFields,
  node: nodeRef.optional().describe("the node cut off; left out, every node"),
  tier: choice(LINK_TIERS)
    .default("cache")
    .describe("what it is cut off from: cache, database, broker or all"),
  shard: nodeRef.optional().describe("with tier cache: only this shard (left out, every shard)"),
}).transform((o): PartitionOptions => ({ ...windowOf(o), node: o.node, tier: o.tier, shard: o.shard }));

export const partition: FaultKind<PartitionOptions> = {
  name: "partition",
  summary: "cuts nodes off from a tier: requests on the cut links time out and take their fallback",
  options,
  create({ world }, o) {
    const links: Link[] = nodesOf(world, o.node).flatMap((n) => linksOf(world, n, o.tier, o.shard));
    return {
      target: describeTarget(o.node, o.tier, o.shard),
      start: () => {
        for (const link of links) link.takeDown();
      },
      end: () => {
        for (const link of links) link.bringUp();
      },
    };
  },
};
