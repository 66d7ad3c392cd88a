// What every strategy does with the node's own cache: start a read by looking there first, and flush it.
import type { Key } from "../model/oracle.ts";
import type { SimNode, World } from "../model/world.ts";
import { Operation } from "./operation.ts";

/**
 * Starts a read: a local hit is served and recorded at once (and null returned); otherwise the new
 * operation is returned for the strategy to carry further.
 */
export function startRead(world: World, node: SimNode, key: Key): Operation | null {
  const op = new Operation(node, key, world.nextOpId(), world.scheduler.nowUs);
  op.versionAtStart = key.version;
  const hit = node.cache?.get(key.name, op.startUs);
  if (hit === undefined) return op;
  op.value = hit.value;
  op.version = hit.version;
  world.recorder.read(op, op.startUs, "local");
  return null;
}

/** Empties the node's cache now and records the flush. */
export function flushLocal(world: World, node: SimNode): void {
  node.cache?.clear();
  world.recorder.flush(node.index, world.nextOpId(), world.scheduler.nowUs);
}
