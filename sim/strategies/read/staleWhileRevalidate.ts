// read: stale-while-revalidate — read-through with a soft TTL (the shard's) and a grace period. An entry
// past its TTL but within `grace` is still served (counted as stale-served; the oracle judges whether
// the value was actually superseded) while one background refresh per key runs, so waiting readers cost
// no database reads. Past the grace period the entry is a miss like any other.
import { TALLY } from "../../model/tally.ts";
import { duration, strict } from "../../plugin/options.ts";
import type { ReadPart } from "../part.ts";
import { finishRead } from "../steps.ts";
import { backgroundRefresh } from "./backgroundRefresh.ts";
import { globalReadPath } from "./readThrough.ts";

export interface SwrOptions {
  graceUs: number;
}

const options = strict({
  grace: duration({ positive: true })
    .default(10_000_000)
    .describe("how long past its TTL an entry may still be served while it is refreshed"),
}).transform((o): SwrOptions => ({ graceUs: o.grace }));

export const staleWhileRevalidate: ReadPart<SwrOptions> = {
  name: "stale-while-revalidate",
  summary:
    "read-through; an entry past its TTL but within `grace` is served (stale-served) while one refresh runs",
  options,
  usesGlobalTier: true,
  create({ world, access }, { graceUs }) {
    const refresh = backgroundRefresh(world, access);
    return globalReadPath(world, access, {
      expired(op) {
        if (op.arrivedUs >= op.entryExpiresAtUs + graceUs) return false;
        // Served as it is; the node's own cache is not given a past-TTL value to keep.
        op.staleServed = true;
        world.tally.bump(op.node.index, TALLY.staleServed);
        finishRead(world, op, "global");
        refresh(op);
        return true;
      },
    });
  },
};
