// `local`: every node keeps its own cache and nothing keeps them in step. A read is served from the
// node's cache, or read from the database and cached; a write commits to the database and updates only
// the writer's cache. Other nodes keep serving what they hold until it expires or is flushed.
import type { StrategyDefinition } from "./strategy.ts";
import { readRecord, writeRecord } from "./recordPaths.ts";

export const localStrategy: StrategyDefinition = {
  name: "local",
  summary: "per-node caches only; a write updates the writer's cache and nobody else's",
  create(world) {
    const { scheduler, recorder } = world;
    return {
      read(node, key) {
        const opId = world.nextOpId();
        const startUs = scheduler.nowUs;
        const versionAtStart = key.version;
        const hit = node.cache?.get(key.name, startUs);
        if (hit !== undefined) {
          recorder.read(node.index, opId, startUs, startUs, key, hit.value, hit.version, versionAtStart, "local", "");
          return;
        }
        readRecord(world, node, key, (record) => {
          const nowUs = scheduler.nowUs;
          node.cache?.set(key.name, record.value, record.version, nowUs);
          recorder.read(node.index, opId, startUs, nowUs, key, record.value, record.version, versionAtStart, "database", "");
        });
      },
      write(node, key, value) {
        const opId = world.nextOpId();
        const startUs = scheduler.nowUs;
        writeRecord(world, node, key, value, (version) => {
          const nowUs = scheduler.nowUs;
          node.cache?.set(key.name, value, version, nowUs);
          recorder.write(node.index, opId, startUs, nowUs, key, value, version, "");
        });
      },
      flush(node) {
        node.cache?.clear();
        recorder.flush(node.index, world.nextOpId(), scheduler.nowUs);
      },
    };
  },
};
