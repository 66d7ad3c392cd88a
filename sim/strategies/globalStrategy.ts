// `global`: the coordinator story. Keys hash onto a ring of global-cache shards. A read checks the
// node's local cache (if it has one), then the key's shard; on a miss it reads the database, fills the
// shard with the shard's TTL, and returns (read-through). A write commits to the database, then updates
// the shard (write-through), then the writer's local cache, so the next read through the global tier
// anywhere sees it.
import type { Shard } from "../model/globalCache.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode } from "../model/world.ts";
import type { StrategyDefinition } from "./strategy.ts";
import { readRecord, writeRecord } from "./recordPaths.ts";

export const globalStrategy: StrategyDefinition = {
  name: "global",
  summary: "read-through and write-through a consistent-hashed global cache (Redis) over SQLite",
  create(world) {
    const { scheduler, recorder, globalCache } = world;

    /** Sets the shard's entry: one round trip over the node's cache link, TTL from arrival. */
    function fillShard(node: SimNode, shard: Shard, key: Key, value: string | null, version: number, done: () => void) {
      scheduler.after(node.cacheHopUs(), () => {
        const ack = globalCache.set(shard, key, value, version, scheduler.nowUs);
        scheduler.afterResult(ack, node.cacheHopUs(), done);
      });
    }

    return {
      read(node, key) {
        const opId = world.nextOpId();
        const startUs = scheduler.nowUs;
        const versionAtStart = key.version;
        const local = node.cache?.get(key.name, startUs);
        if (local !== undefined) {
          recorder.read(node.index, opId, startUs, startUs, key, local.value, local.version, versionAtStart, "local", "");
          return;
        }
        const shard = globalCache.shardFor(key);
        scheduler.after(node.cacheHopUs(), () => {
          const arrivedUs = scheduler.nowUs;
          scheduler.afterResult(globalCache.get(key), node.cacheHopUs(), (raw) => {
            const found = globalCache.decode(raw, arrivedUs);
            const servedBy = globalCache.servedBy(shard, key);
            if (found.kind === "hit") {
              const nowUs = scheduler.nowUs;
              node.cache?.set(key.name, found.value, found.version, nowUs);
              recorder.read(node.index, opId, startUs, nowUs, key, found.value, found.version, versionAtStart, "global", servedBy);
              return;
            }
            if (found.kind === "expired") recorder.globalExpiration(node.index);
            readRecord(world, node, key, (record) => {
              fillShard(node, shard, key, record.value, record.version, () => {
                const nowUs = scheduler.nowUs;
                node.cache?.set(key.name, record.value, record.version, nowUs);
                recorder.read(node.index, opId, startUs, nowUs, key, record.value, record.version, versionAtStart, "database", servedBy);
              });
            });
          });
        });
      },
      write(node, key, value) {
        const opId = world.nextOpId();
        const startUs = scheduler.nowUs;
        const shard = globalCache.shardFor(key);
        writeRecord(world, node, key, value, (version) => {
          fillShard(node, shard, key, value, version, () => {
            const nowUs = scheduler.nowUs;
            node.cache?.set(key.name, value, version, nowUs);
            recorder.write(node.index, opId, startUs, nowUs, key, value, version, globalCache.servedBy(shard, key));
          });
        });
      },
      flush(node) {
        node.cache?.clear();
        recorder.flush(node.index, world.nextOpId(), scheduler.nowUs);
      },
    };
  },
};
