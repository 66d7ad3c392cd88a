// write: invalidate-first — DEL the key's shard entry, then commit to the database and acknowledge. The
// order many reach for first, because removing the entry before changing the row looks safe. It is the
// widest form of the cache-aside race: a reader that misses after the DEL and reads the row before the
// commit SETs the old value back, and nothing removes it until its TTL. The window is the database write
// itself, which a reader needs no slow read to fall into. double-delete is this with a second, delayed
// DEL; invalidate is the other order.
import type { Operation } from "../../model/operation.ts";
import { strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { cacheUpdateLost, failOp } from "../steps.ts";
import { acknowledge } from "./writeThrough.ts";

export const invalidateFirst: WritePart<Record<string, never>> = {
  name: "invalidate-first",
  summary:
    "DEL the global cache entry, then commit to the database (a reader in between refills the old value)",
  options: strict({}),
  usesGlobalTier: true,
  create({ world, near }) {
    const { globalCache, database } = world;
    const committed = (op: Operation) => {
      if (op.failed) return failOp(world, op, "write");
      acknowledge(world, near, op);
    };
    // A DEL that timed out is counted; the write goes on, as it would in an application.
    const deleted = (op: Operation) => {
      if (op.failed) cacheUpdateLost(world, op);
      database.write(op, committed);
    };
    return { write: (op) => globalCache.del(op, deleted) };
  },
};
