// A caching strategy is the read, write and flush paths of a node. Each strategy is one file,
// registered in registry.ts under the name scenario files use for it.
import type { Key } from "../model/oracle.ts";
import type { SimNode, World } from "../model/world.ts";

export interface Strategy {
  /** Starts a read now; the strategy reports it to world.recorder when it completes. */
  read(node: SimNode, key: Key): void;
  /** Starts a write now; the strategy reports it to world.recorder when it is acknowledged. */
  write(node: SimNode, key: Key, value: string): void;
  /** Empties the node's local cache now. */
  flush(node: SimNode): void;
}

export interface StrategyDefinition {
  name: string;
  /** One line for help text and the README. */
  summary: string;
  create(world: World): Strategy;
}
