// read: database — no global tier. A read that misses the node's own cache reads the database and fills
// only that cache (the first story's nodes).
import type { Operation } from "../../model/operation.ts";
import { strict } from "../../plugin/options.ts";
import type { ReadPart } from "../part.ts";
import { failOp, fillNear, finishRead } from "../steps.ts";

export const databaseRead: ReadPart<Record<string, never>> = {
  name: "database",
  summary: "no global tier: a miss in the node's cache reads the database and fills only that cache",
  options: strict({}),
  usesGlobalTier: false,
  create({ world }) {
    const answered = (op: Operation) => {
      if (op.failed) return failOp(world, op, "read");
      fillNear(world, op);
      finishRead(world, op, "database");
    };
    return { read: (op) => world.database.read(op, answered) };
  },
};
