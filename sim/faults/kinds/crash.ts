// crash — a node crashes: its local cache is lost, operations it had in flight are dropped (their
// answers, when they come, are thrown away, and they are counted, not recorded), what it kept for later
// is lost (write-behind's unflushed writes, counted as lost writes), and while it is down it starts
// nothing (operations sent to it are refused and counted). It restarts, empty, when the fault ends.
import { nodeRef, strict } from "../../plugin/options.ts";
import type { FaultWindow } from "../../spec/types.ts";
import type { FaultKind } from "../fault.ts";
import { nodeNamed } from "./targets.ts";
import { windowFields, windowOf } from "./window.ts";

export interface CrashOptions extends FaultWindow {
  node: string;
}

const options = strict({
  ...windowFields,
  node: nodeRef.describe("the node that crashes; it restarts when the fault ends (`for`)"),
}).transform((o): CrashOptions => ({ ...windowOf(o), node: o.node }));

export const crash: FaultKind<CrashOptions> = {
  name: "crash",
  summary:
    "a node crashes (cache, in-flight operations and write-behind queue lost) and restarts after `for`",
  options,
  create({ world, log }, o) {
    const node = nodeNamed(world, o.node);
    return {
      target: node.name,
      start: () => {
        node.up = false;
        node.epoch++;
        node.cache?.clear();
        log.crashed(node);
      },
      end: () => {
        node.up = true;
      },
    };
  },
};
