// shard-down — a global-cache shard goes down: requests that reach it time out, and the ring routes
// around it (its keys move to the next shard, cold). When the fault ends it comes back and takes its
// keys again: `contents: empty` as after a restart without persistence, or `contents: kept` with what
// it held when it went down, which then serves values that were overwritten while it was away (the
// classic hazard).
import { choice, nodeRef, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import type { FaultKind } from "../fault.ts";
import { shardIndex } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface ShardDownOptions extends FaultWindow {
  shard: string;
  contents: "empty" | "kept";
}

const options = strict({
  ...windowFields,
  shard: nodeRef.describe("the global-cache shard that goes down"),
  contents: choice(["empty", "kept"] as const)
    .default("empty")
    .describe("what it holds when it comes back: empty, or kept (its old contents)"),
}).transform((o): ShardDownOptions => ({ ...windowOf(o), shard: o.shard, contents: o.contents }));

export const shardDown: FaultKind<ShardDownOptions> = {
  name: "shard-down",
  summary:
    "a global-cache shard goes down (the ring routes around it) and comes back empty or with old contents",
  options,
  create({ world }, o) {
    const index = shardIndex(world, o.shard);
    return {
      target: `shard ${o.shard}`,
      start: () => world.globalCache.shardDown(index),
      end: () => world.globalCache.shardBack(index, o.contents === "kept"),
    };
  },
};
