// write: double-delete — DEL the key's shard entry, commit to the database, acknowledge, and DEL again
// `delay` later, to catch a reader that refilled the old value between the first DEL and the commit.
// It narrows the race rather than closing it: a refill later than the second DEL still wins.
import type { Operation } from "../../model/operation.ts";
import { duration, strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { acknowledge } from "./writeThrough.ts";

export interface DoubleDeleteOptions {
  delayUs: number;
}

const options = strict({
  delay: duration().default(500_000).describe("how long after the acknowledgement the second DEL is sent"),
}).transform((o): DoubleDeleteOptions => ({ delayUs: o.delay }));

const nothingMore = () => {};

export const doubleDelete: WritePart<DoubleDeleteOptions> = {
  name: "double-delete",
  summary: "DEL the global cache entry, commit to the database, DEL again after `delay`",
  options,
  usesGlobalTier: true,
  create({ world, access, near }, { delayUs }) {
    const { globalCache, scheduler, database } = world;
    const secondDelete = (op: Operation) => access.invalidate(op, nothingMore);
    const committed = (op: Operation) => {
      acknowledge(world, near, op);
      scheduler.after(delayUs, secondDelete, op);
    };
    const deleted = (op: Operation) => database.write(op, committed);
    return { write: (op) => globalCache.del(op, deleted) };
  },
};
