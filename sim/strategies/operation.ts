// One read or write in flight. Strategies move it from leg to leg (cache, database, back) by scheduling
// shared functions with the operation as their argument, so a request allocates this one object rather
// than a closure per step. Every field is set up front, which keeps the object's shape fixed.
import type { Shard } from "../model/globalCache.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/world.ts";

export class Operation {
  /** Version current in the system of record when the operation began (reads are judged by it). */
  versionAtStart = 0;
  /** The value read or being written, and its version once known. */
  value: string | null = null;
  version = 0;
  /** The key's global-cache shard, for strategies that use one. */
  shard: Shard | null = null;
  /** What the trace names as the place that served the read or took the write. */
  servedBy = "";
  /** When the current request reached the cache tier. */
  arrivedUs = 0;
  /** What runs when the current leg's answer is back at the node. */
  next: (op: Operation) => void = noNext;

  constructor(
    readonly node: SimNode,
    readonly key: Key,
    readonly opId: number,
    readonly startUs: number,
  ) {}
}

function noNext(op: Operation): void {
  throw new Error(`operation ${op.opId} finished a leg with nothing to do next`);
}
