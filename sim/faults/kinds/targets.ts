// Finding what a fault acts on: nodes by name, a node's links by tier, shards by name. A name that is
// not in the world is a FaultTargetError (the loader checks names first, so this guards the API).
import type { Link } from "../../model/link.ts";
import type { SimNode } from "../../model/simNode.ts";
import type { World } from "../../model/world.ts";
import { FaultTargetError } from "../fault.ts";

export const LINK_TIERS = ["cache", "database", "broker", "all"] as const;
export type LinkTier = (typeof LINK_TIERS)[number];

export function nodeNamed(world: World, name: string): SimNode {
  const node = world.nodes.find((n) => n.name === name);
  if (node === undefined) throw new FaultTargetError(`no node named "${name}"`);
  return node;
}

/** The nodes a fault names (one), or every node when it names none. */
export function nodesOf(world: World, name: string | undefined): readonly SimNode[] {
  return name === undefined ? world.nodes : [nodeNamed(world, name)];
}

export function shardIndex(world: World, name: string): number {
  const index = world.globalCache.shardNames.indexOf(name);
  if (index < 0) throw new FaultTargetError(`no global-cache shard named "${name}"`);
  return index;
}

/** A node's links to a tier (`cache`: to every shard, or only to `shard`; `all`: every link). */
export function linksOf(world: World, node: SimNode, tier: LinkTier, shard: string | undefined): Link[] {
  const cache =
    shard === undefined ? [...node.cacheLinks] : [node.cacheLinks[shardIndex(world, shard)] as Link];
  switch (tier) {
    case "cache":
      return cache;
    case "database":
      return [node.databaseLink];
    case "broker":
      return [node.brokerLink];
    case "all":
      return [...cache, node.databaseLink, node.brokerLink];
  }
}

export function describeTarget(node: string | undefined, tier: LinkTier, shard: string | undefined): string {
  const from = node ?? "every node";
  const to =
    tier === "cache" && shard !== undefined ? `cache:${shard}` : tier === "all" ? "every tier" : tier;
  return `${from}→${to}`;
}
