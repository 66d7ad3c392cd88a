// `global`: the coordinator story. Keys hash onto a ring of global-cache shards. A read checks the
// node's local cache (if it has one), then the key's shard; on a miss it reads the database, fills the
// shard with the shard's TTL, and returns (read-through). A write commits to the database, then updates
// the shard (write-through), then the writer's local cache, so the next read through the global tier
// anywhere sees it.
import type { Shard } from "../model/globalCache.ts";
import { flushLocal, startRead } from "./localTier.ts";
import { Operation } from "./operation.ts";
import { recordPaths } from "./recordPaths.ts";
import type { StrategyDefinition } from "./strategy.ts";

export const globalStrategy: StrategyDefinition = {
  name: "global",
  summary: "read-through and write-through a consistent-hashed global cache (Redis) over SQLite",
  create(world) {
    const { scheduler, recorder, globalCache } = world;
    const database = recordPaths(world);

    // Filling the shard: one round trip over the node's cache link; the entry's TTL starts on arrival.
    const filled = (_ack: unknown, op: Operation) => op.next(op);
    const setAtCache = (op: Operation) => {
      const ack = globalCache.set(op.shard as Shard, op.key, op.value, op.version, scheduler.nowUs);
      scheduler.afterResult(ack, op.node.cacheHopUs(), filled, op);
    };
    const fillShard = (op: Operation, next: (op: Operation) => void) => {
      op.next = next;
      scheduler.after(op.node.cacheHopUs(), setAtCache, op);
    };

    const readFilled = (op: Operation) => {
      const nowUs = scheduler.nowUs;
      op.node.cache?.set(op.key.name, op.value, op.version, nowUs);
      recorder.read(op, nowUs, "database");
    };
    const readFromDatabase = (op: Operation) => fillShard(op, readFilled);
    const cacheAnswered = (raw: string | null, op: Operation) => {
      const found = globalCache.decodeInto(raw, op.arrivedUs, op);
      op.servedBy = globalCache.servedBy(op.shard as Shard, op.key);
      if (found === "hit") {
        const nowUs = scheduler.nowUs;
        op.node.cache?.set(op.key.name, op.value, op.version, nowUs);
        recorder.read(op, nowUs, "global");
        return;
      }
      if (found === "expired") recorder.globalExpiration(op.node.index);
      database.read(op, readFromDatabase);
    };
    const getAtCache = (op: Operation) => {
      op.arrivedUs = scheduler.nowUs;
      scheduler.afterResult(globalCache.get(op.key), op.node.cacheHopUs(), cacheAnswered, op);
    };

    const written = (op: Operation) => {
      const nowUs = scheduler.nowUs;
      op.node.cache?.set(op.key.name, op.value, op.version, nowUs);
      op.servedBy = globalCache.servedBy(op.shard as Shard, op.key);
      recorder.write(op, nowUs);
    };
    const committed = (op: Operation) => fillShard(op, written);

    return {
      read(node, key) {
        const op = startRead(world, node, key);
        if (op === null) return;
        op.shard = globalCache.shardFor(key);
        scheduler.after(node.cacheHopUs(), getAtCache, op);
      },
      write(node, key, value) {
        const op = new Operation(node, key, world.nextOpId(), scheduler.nowUs);
        op.value = value;
        op.shard = globalCache.shardFor(key);
        database.write(op, committed);
      },
      flush(node) {
        flushLocal(world, node);
      },
    };
  },
};
