// A caching strategy is the read, write and flush paths of a node, assembled from the catalogue's parts
// (catalogue.ts) by compose.ts.
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/simNode.ts";

/** Called once when an operation has completed (closed-loop workloads issue their next one then). */
export type OpDone = () => void;

export interface Strategy {
  /** Starts a read now; the strategy reports it to world.recorder when it completes, then calls done. */
  read(node: SimNode, key: Key, done?: OpDone): void;
  /** Starts a write now; reported when it is acknowledged, then done is called. */
  write(node: SimNode, key: Key, value: string, done?: OpDone): void;
  /** Empties the node's local cache now. */
  flush(node: SimNode): void;
}
