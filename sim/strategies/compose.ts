// Builds a strategy from a loaded choice of parts: fill protection first (it wraps the global cache),
// then the near-cache mode, then the read and write paths over both.
import type { World, WorldFaults } from "../model/world.ts";
import type { PluginChoice } from "../plugin/registry.ts";
import type { StrategyChoice } from "../spec/types.ts";
import { fillParts, nearParts, readParts, writeParts } from "./catalogue.ts";
import type { ReadSide } from "./mitigations/mitigation.ts";
import { mitigations } from "./mitigations/registry.ts";
import { flushLocal, startRead, startWrite } from "./steps.ts";
import type { Strategy } from "./strategy.ts";

export function composeStrategy(
  world: World,
  choice: StrategyChoice,
  mitigationChoices: readonly PluginChoice[] = [],
): Strategy {
  const filled = fillParts.get(choice.fill.name).create({ world }, choice.fill.options);
  // Stampede mitigations decorate what the read path is built over, in the order listed.
  let side: ReadSide = { world, access: filled };
  for (const m of mitigationChoices) side = mitigations.get(m.name).create(side, m.options);
  const access = side.access;
  const near = nearParts.get(choice.near.name).create({ world }, choice.near.options);
  const reads = readParts.get(choice.read.name).create({ world: side.world, access }, choice.read.options);
  const writes = writeParts.get(choice.write.name).create({ world, access, near }, choice.write.options);
  return {
    read(node, key, done) {
      if (!node.up) {
        (world.faults as WorldFaults).refuse(node, done);
        return;
      }
      const op = startRead(world, node, key, done);
      if (op !== null) reads.read(op);
    },
    write(node, key, value, done) {
      if (!node.up) {
        (world.faults as WorldFaults).refuse(node, done);
        return;
      }
      writes.write(startWrite(world, node, key, value, done));
    },
    flush(node) {
      if (!node.up) return; // a crashed node's cache is already empty
      flushLocal(world, node);
    },
  };
}
