// write: invalidate — commit to the database, then DEL the key's shard entry (the usual cache-aside
// write): the next reader misses and refills. A reader that read the old row before the commit can
// still SET it after the DEL, unless fill protection (lease, versioned) stops it.
import type { Operation } from "../../model/operation.ts";
import { strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { cacheUpdateLost, failOp } from "../steps.ts";
import { acknowledge } from "./writeThrough.ts";

export const invalidateWrite: WritePart<Record<string, never>> = {
  name: "invalidate",
  summary: "commit to the database, then DEL the global cache entry (the usual cache-aside write)",
  options: strict({}),
  usesGlobalTier: true,
  create({ world, access, near }) {
    // A DEL that times out leaves the old value in the cache (counted); the write is still acknowledged.
    const invalidated = (op: Operation) => {
      if (op.failed) cacheUpdateLost(world, op);
      acknowledge(world, near, op);
    };
    const committed = (op: Operation) =>
      op.failed ? failOp(world, op, "write") : access.invalidate(op, invalidated);
    return { write: (op) => world.database.write(op, committed) };
  },
};
