// read: read-through — check the key's shard; on a miss read the database, fill the shard, and answer
// once the fill is acknowledged (the cache "loads itself", so the reader waits for the fill).
//
// The other global-tier read paths are this pipeline with a hook or two (`globalReadPath`): cache-aside
// answers before filling, refresh-ahead acts after a hit, stale-while-revalidate answers some expired
// entries itself.
import type { Operation } from "../../model/operation.ts";
import type { World, WorldFaults } from "../../model/world.ts";
import { strict } from "../../plugin/options.ts";
import type { GlobalAccess, ReadPart, ReadPath } from "../part.ts";
import { failOp, fillNear, finishRead, releaseOp } from "../steps.ts";

export interface GlobalReadHooks {
  /** Answer from the database first and fill the cache afterwards (cache-aside). */
  answerBeforeFill?: boolean;
  /** Runs after a hit has been answered. */
  afterHit?(op: Operation): void;
  /** Sees an expired entry first; returns true when it has answered the read itself. */
  expired?(op: Operation): boolean;
}

export function globalReadPath(world: World, access: GlobalAccess, hooks: GlobalReadHooks = {}): ReadPath {
  const { afterHit, expired } = hooks;
  // A fill that times out is not waited for again: the read still answers with what the database said.
  const filled = (op: Operation) => {
    fillNear(world, op);
    finishRead(world, op, "database");
  };
  // Where a read's last step ends, nothing holds its operation any more: it is handed back for reuse.
  const filledLast = (op: Operation) => {
    filled(op);
    releaseOp(world, op);
  };
  const nothingMore = (op: Operation) => releaseOp(world, op);
  // The database did not answer (faults only): serve an expired entry the lookup found, if allowed.
  const databaseFailed = (op: Operation) => {
    const faults = world.faults as WorldFaults;
    if (faults.staleIfError && op.found === "expired") {
      faults.count(op.node.index, "staleIfError");
      finishRead(world, op, "global");
    } else failOp(world, op, "read");
  };
  const fromDatabase = hooks.answerBeforeFill
    ? (op: Operation) => {
        if (op.failed) return databaseFailed(op);
        filled(op);
        access.fill(op, nothingMore);
      }
    : (op: Operation) => {
        if (op.failed) return databaseFailed(op);
        access.fill(op, filledLast);
      };
  // The global cache did not answer (faults only): the part's fallback is the database, without a fill.
  const fromDatabaseOnly = (op: Operation) => {
    if (op.failed) return databaseFailed(op);
    filled(op);
  };
  const looked = (op: Operation) => {
    if (op.failed) {
      if ((world.faults as WorldFaults).readFallback === "fail") return failOp(world, op, "read");
      return world.database.read(op, fromDatabaseOnly);
    }
    if (op.found === "hit") {
      fillNear(world, op);
      finishRead(world, op, "global");
      if (afterHit !== undefined) afterHit(op);
      else releaseOp(world, op);
      return;
    }
    if (op.found === "expired") {
      if (expired?.(op)) return;
      world.recorder.globalExpiration(op.node.index);
    }
    world.database.read(op, fromDatabase);
  };
  return { read: (op) => access.lookup(op, looked) };
}

export const readThrough: ReadPart<Record<string, never>> = {
  name: "read-through",
  summary: "a miss reads the database and fills the global cache before answering",
  options: strict({}),
  usesGlobalTier: true,
  create: ({ world, access }) => globalReadPath(world, access),
};
