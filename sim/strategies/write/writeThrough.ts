// write: write-through — commit to the database, then SET the key's shard, then the writer's own cache,
// so the next read through the global tier anywhere sees the new value (the second story).
import type { Operation } from "../../model/operation.ts";
import type { World } from "../../model/world.ts";
import { strict } from "../../plugin/options.ts";
import type { NearMode, WritePart } from "../part.ts";
import { fillNear, finishWrite } from "../steps.ts";

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
    const stored = (op: Operation) => acknowledge(world, near, op);
    const committed = (op: Operation) => access.store(op, stored);
    return { write: (op) => world.database.write(op, committed) };
  },
};
