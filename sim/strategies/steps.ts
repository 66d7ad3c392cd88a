// The steps every strategy shares: start a read at the node's own cache, start a write, put a value
// into the node's cache, finish an operation (record it, then tell whoever waits for it), flush.

import { Operation } from "../model/operation.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";
import type { World, WorldFaults } from "../model/world.ts";
import type { ServedFrom } from "../spec/types.ts";
import type { OpDone } from "./strategy.ts";

/**
 * Starts a read: a local hit is served and recorded at once (and null returned); otherwise the new
 * operation is returned for the read path to carry further.
 */
export function startRead(world: World, node: SimNode, key: Key, done: OpDone | undefined): Operation | null {
  const opId = world.nextOpId();
  const nowUs = world.scheduler.nowUs;
  const hit = node.cache === null ? undefined : node.cache.get(key.name, nowUs);
  if (hit === undefined) {
    const op = spareOps.pop()?.renew(node, key, opId, nowUs) ?? new Operation(node, key, opId, nowUs);
    op.versionAtStart = key.version;
    if (done !== undefined) op.done = done;
    return op;
  }
  // About half the reads end here. Nothing keeps a local hit's operation once finishRead returns (the
  // recorder copies what it keeps), so one object serves them all instead of one per read. Only what
  // a finished read is judged by is set: nothing on this path writes the other fields, so they keep
  // the values the constructor gave them.
  const op = localHit;
  op.node = node;
  op.key = key;
  op.opId = opId;
  op.startUs = nowUs;
  op.epoch = node.epoch;
  op.versionAtStart = key.version;
  op.value = hit.value;
  op.version = hit.version;
  op.done = done === undefined ? null : done;
  finishRead(world, op, "local");
  return null;
}

/** The operation every local hit is recorded with (see startRead); its first owner is a placeholder. */
const localHit = new Operation(
  {
    index: -1,
    name: "",
    cache: null,
    cacheLinks: [],
    databaseLink: null as never,
    brokerLink: null as never,
    invalidationLink: null,
    epoch: 0,
    up: true,
  },
  null as never,
  -1,
  0,
);

/**
 * Operations that finished with nothing left holding them (see releaseOp), for startRead and
 * startWrite to reuse: a read past the node's cache is the request path's largest allocation (about
 * 240 bytes; a write's, with its value, about 340), and it dies a few virtual milliseconds later, so
 * reusing it keeps about a fifth of a run's allocation off the garbage collector. Shared by every run
 * in the process, as localHit is: renew makes an operation new again whoever used it last. Bounded,
 * although the reads in flight at once are what it holds.
 */
const spareOps: Operation[] = [];
const SPARE_OPS_MAX = 1024;

/**
 * Hands an operation back for reuse. Only for a caller that knows it is the operation's last user: the
 * operation is finished, no event or part holds it, and nothing runs on it after this call. A run with
 * faults keeps its operations (its timeouts and crash lists may still name them).
 */
export function releaseOp(world: World, op: Operation): void {
  if (world.faults !== null || spareOps.length >= SPARE_OPS_MAX) return;
  op.done = null;
  spareOps.push(op);
}

export function startWrite(
  world: World,
  node: SimNode,
  key: Key,
  value: string,
  done: OpDone | undefined,
): Operation {
  const opId = world.nextOpId();
  const nowUs = world.scheduler.nowUs;
  const op = spareOps.pop()?.renew(node, key, opId, nowUs) ?? new Operation(node, key, opId, nowUs);
  op.value = value;
  if (done !== undefined) op.done = done;
  return op;
}

/** Fills the node's own cache with what the operation carries, as of now (its TTL starts now). */
export function fillNear(world: World, op: Operation): void {
  op.node.cache?.set(op.key.name, op.value, op.version, world.scheduler.nowUs);
}

export function finishRead(world: World, op: Operation, servedFrom: ServedFrom): void {
  world.recorder.read(op, world.scheduler.nowUs, servedFrom);
  if (world.faults !== null) world.faults.readFinished(op, world.scheduler.nowUs);
  const done = op.done;
  if (done !== null) {
    op.done = null;
    done();
  }
}

export function finishWrite(world: World, op: Operation): void {
  world.recorder.write(op, world.scheduler.nowUs);
  const done = op.done;
  if (done !== null) {
    op.done = null;
    done();
  }
}

/**
 * An operation that cannot complete because a request of its timed out and its part's fallback is to
 * fail: counted as a failed read or write (not recorded as one), and whoever waits for it is told.
 */
export function failOp(world: World, op: Operation, what: "read" | "write"): void {
  (world.faults as WorldFaults).failed(op, what);
  op.done = null;
}

/** A cache update (SET, DEL) that timed out after its write committed: the cache keeps what it had. */
export function cacheUpdateLost(world: World, op: Operation): void {
  (world.faults as WorldFaults).count(op.node.index, "cacheUpdatesLost");
}

/** A copy of op for work that goes on in the background after op itself has finished. */
export function background(op: Operation): Operation {
  const bg = new Operation(op.node, op.key, -1, op.startUs);
  bg.value = op.value;
  bg.version = op.version;
  return bg;
}

/** Empties the node's cache now and records the flush. */
export function flushLocal(world: World, node: SimNode): void {
  node.cache?.clear();
  world.recorder.flush(node.index, world.nextOpId(), world.scheduler.nowUs);
}
