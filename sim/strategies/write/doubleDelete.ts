// write: double-delete — DEL the key's shard entry, commit to the database, acknowledge, and DEL again
// `delay` later, to catch a reader that refilled the old value between the first DEL and the commit.
// It narrows the race rather than closing it: a refill later than the second DEL still wins.
import type { Operation } from "../../model/operation.ts";
import { duration, strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { cacheUpdateLost, failOp } from "../steps.ts";
import { acknowledge } from "./writeThrough.ts";

export interface DoubleDeleteOptions {
  delayUs: number;
}

const options = strict({
  delay: duration().default(500_000).describe("how long after the acknowledgement the second DEL is sent"),
}).transform((o): DoubleDeleteOptions => ({ delayUs: o.delay }));

export const doubleDelete: WritePart<DoubleDeleteOptions> = {
  name: "double-delete",
  summary: "DEL the global cache entry, commit to the database, DEL again after `delay`",
  options,
  usesGlobalTier: true,
  create({ world, access, near }, { delayUs }) {
    const { globalCache, scheduler, database } = world;
    const secondDeleted = (op: Operation) => {
      if (op.failed) cacheUpdateLost(world, op);
    };
    const secondDelete = (op: Operation) => access.invalidate(op, secondDeleted);
    const committed = (op: Operation) => {
      if (op.failed) return failOp(world, op, "write");
      acknowledge(world, near, op);
      scheduler.after(delayUs, secondDelete, op);
    };
    // A first DEL that timed out is counted; the write goes on (the second DEL may still clean up).
    const deleted = (op: Operation) => {
      if (op.failed) cacheUpdateLost(world, op);
      database.write(op, committed);
    };
    return { write: (op) => globalCache.del(op, deleted) };
  },
};
