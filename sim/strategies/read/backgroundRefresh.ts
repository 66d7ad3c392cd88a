// A background refresh of a key's global-cache entry: read the database and fill the cache, with at most
// one refresh per key in flight, so a hot key costs one database read per refresh however many readers
// ask meanwhile. Shared by refresh-ahead and stale-while-revalidate.

import type { Operation } from "../../model/operation.ts";
import type { Key } from "../../model/oracle.ts";
import { TALLY } from "../../model/tally.ts";
import type { World } from "../../model/world.ts";
import type { GlobalAccess } from "../part.ts";
import { background } from "../steps.ts";

export function backgroundRefresh(world: World, access: GlobalAccess): (op: Operation) => void {
  const inFlight = new Set<Key>();
  const filled = (bg: Operation) => {
    inFlight.delete(bg.key);
  };
  // A refresh whose database read timed out fills nothing; the next reader may start another.
  const read = (bg: Operation) => (bg.failed ? filled(bg) : access.fill(bg, filled));
  return (op) => {
    if (inFlight.has(op.key)) return;
    inFlight.add(op.key);
    world.tally.bump(op.node.index, TALLY.refreshes);
    world.database.read(background(op), read);
  };
}
