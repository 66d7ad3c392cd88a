// latency-spike — a node's links to a tier get slower for a while: every hop's latency is multiplied by
// `factor` and `add` is added. Requests whose answer would arrive after the timeout time out.
import type { Link } from "../../model/link.ts";
import { choice, duration, nodeRef, numberIn, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import type { FaultKind } from "../fault.ts";
import { describeTarget, LINK_TIERS, type LinkTier, linksOf, nodesOf } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface LatencySpikeOptions extends FaultWindow {
  node: string | undefined;
  tier: LinkTier;
  shard: string | undefined;
  factor: number;
  addUs: number;
}

const options = strict({
  ...windowFields,
  node: nodeRef.optional().describe("the node whose links slow down; left out, every node"),
  tier: choice(LINK_TIERS).default("all").describe("which links: cache, database, broker or all"),
  shard: nodeRef.optional().describe("with tier cache: only the link to this shard"),
  factor: numberIn(1, 1_000_000).default(10).describe("every hop's latency is multiplied by this"),
  add: duration().default(0).describe("and this is added to every hop"),
}).transform(
  (o): LatencySpikeOptions => ({
    ...windowOf(o),
    node: o.node,
    tier: o.tier,
    shard: o.shard,
    factor: o.factor,
    addUs: o.add,
  }),
);

export const latencySpike: FaultKind<LatencySpikeOptions> = {
  name: "latency-spike",
  summary: "multiplies (and adds to) the latency of the chosen links for a while",
  options,
  create({ world }, o) {
    const links: Link[] = nodesOf(world, o.node).flatMap((n) => linksOf(world, n, o.tier, o.shard));
    const before = links.map((l) => [l.latencyFactor, l.latencyExtraUs] as const);
    return {
      target: describeTarget(o.node, o.tier, o.shard),
      start: () => {
        for (const link of links) link.setLatency(o.factor, o.addUs);
      },
      end: () => {
        links.forEach((link, i) => {
          const [factor, extraUs] = before[i] as readonly [number, number];
          link.setLatency(factor, extraUs);
        });
      },
    };
  },
};
