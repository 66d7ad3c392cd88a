// `local`: every node keeps its own cache and nothing keeps them in step. A read is served from the
// node's cache, or read from the database and cached; a write commits to the database and updates only
// the writer's cache. Other nodes keep serving what they hold until it expires or is flushed.
import { flushLocal, startRead } from "./localTier.ts";
import { Operation } from "./operation.ts";
import { recordPaths } from "./recordPaths.ts";
import type { StrategyDefinition } from "./strategy.ts";

export const localStrategy: StrategyDefinition = {
  name: "local",
  summary: "per-node caches only; a write updates the writer's cache and nobody else's",
  create(world) {
    const { scheduler, recorder } = world;
    const database = recordPaths(world);

    const readFromDatabase = (op: Operation) => {
      const nowUs = scheduler.nowUs;
      op.node.cache?.set(op.key.name, op.value, op.version, nowUs);
      recorder.read(op, nowUs, "database");
    };
    const written = (op: Operation) => {
      const nowUs = scheduler.nowUs;
      op.node.cache?.set(op.key.name, op.value, op.version, nowUs);
      recorder.write(op, nowUs);
    };

    return {
      read(node, key) {
        const op = startRead(world, node, key);
        if (op !== null) database.read(op, readFromDatabase);
      },
      write(node, key, value) {
        const op = new Operation(node, key, world.nextOpId(), scheduler.nowUs);
        op.value = value;
        database.write(op, written);
      },
      flush(node) {
        flushLocal(world, node);
      },
    };
  },
};
