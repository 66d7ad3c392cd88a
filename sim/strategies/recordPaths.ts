// The system-of-record legs every strategy shares: a read of a key's row and a committed write, each a
// round trip over the node's database link. The oracle learns of a commit at the instant it happens at
// the database, which is when later reads must start to see it.
import type { Record } from "../backends/types.ts";
import type { Key } from "../model/oracle.ts";
import type { SimNode, World } from "../model/world.ts";

export function readRecord(world: World, node: SimNode, key: Key, done: (record: Record) => void): void {
  const { scheduler, records } = world;
  scheduler.after(node.dbHopUs(), () => {
    scheduler.afterResult(records.read(key.name), node.dbHopUs(), done);
  });
}

export function writeRecord(
  world: World,
  node: SimNode,
  key: Key,
  value: string,
  done: (version: number) => void,
): void {
  const { scheduler, records, oracle } = world;
  scheduler.after(node.dbHopUs(), () => {
    // The store assigns versions in commit order, and every commit goes through here, so the oracle can
    // name the new version now; the store's answer is checked against it when it arrives.
    const expected = key.version + 1;
    oracle.commit(key, expected, scheduler.nowUs);
    scheduler.afterResult(records.write(key.name, value), node.dbHopUs(), (version) => {
      if (version !== expected) {
        throw new Error(`system of record gave ${key.name} version ${version}, expected ${expected}`);
      }
      done(version);
    });
  });
}
