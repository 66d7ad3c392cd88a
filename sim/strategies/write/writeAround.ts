// write: write-around — commit to the database only; the global cache (if any) catches up when its entry
// expires. The writer's own cache takes the new value, as under every write path.
import type { Operation } from "../../model/operation.ts";
import { strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { failOp } from "../steps.ts";
import { acknowledge } from "./writeThrough.ts";

export const writeAround: WritePart<Record<string, never>> = {
  name: "write-around",
  summary: "commit to the database only; the global cache catches up by TTL",
  options: strict({}),
  usesGlobalTier: false,
  create({ world, near }) {
    const committed = (op: Operation) =>
      op.failed ? failOp(world, op, "write") : acknowledge(world, near, op);
    return { write: (op) => world.database.write(op, committed) };
  },
};
