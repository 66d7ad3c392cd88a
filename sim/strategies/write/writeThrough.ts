// write: write-through — commit to the database, then SET the key's shard, then the writer's own cache,
// so the next read through the global tier anywhere sees the new value (the second story).
import type { Operation } from "../../model/operation.ts";
import type { World } from "../../model/world.ts";
import { strict } from "../../plugin/options.ts";
import type { NearMode, WritePart } from "../part.ts";
import { cacheUpdateLost, failOp, fillNear, finishWrite, releaseOp } from "../steps.ts";

/** What every write path does once the write is acknowledged at its node. */
export function acknowledge(world: World, near: NearMode, op: Operation): void {
  fillNear(world, op);
  finishWrite(world, op);
  near.written(op);
}

export const writeThrough: WritePart<Record<string, never>> = {
  name: "write-through",
  summary: "commit to the database, then SET the global cache",
  options: strict({}),
  usesGlobalTier: true,
  create({ world, access, near }) {
    // A SET that times out leaves the cache with the old value (counted); the write is still acknowledged.
    // That is the write's last step: the near mode reads what it needs at once (a broadcast sends a
    // copy), so nothing holds the operation afterwards and it is handed back for reuse.
    const stored = (op: Operation) => {
      if (op.failed) cacheUpdateLost(world, op);
      acknowledge(world, near, op);
      releaseOp(world, op);
    };
    const committed = (op: Operation) => (op.failed ? failOp(world, op, "write") : access.store(op, stored));
    return { write: (op) => world.database.write(op, committed) };
  },
};
