// The system-of-record legs every strategy shares: a read of a key's row and a committed write, each a
// round trip over the node's database link. The oracle learns of a commit at the instant it happens at
// the database, which is when later reads must start to see it.
import type { Record } from "../backends/types.ts";
import type { World } from "../model/world.ts";
import type { Operation } from "./operation.ts";

export interface RecordPaths {
  /** Reads the key's row into op.value / op.version, then runs `next` back at the node. */
  read(op: Operation, next: (op: Operation) => void): void;
  /** Commits op.value, sets op.version to the new version, then runs `next` back at the node. */
  write(op: Operation, next: (op: Operation) => void): void;
}

export function recordPaths(world: World): RecordPaths {
  const { scheduler, records, oracle } = world;

  const answered = (record: Record, op: Operation) => {
    op.value = record.value;
    op.version = record.version;
    op.next(op);
  };
  const readAtDatabase = (op: Operation) => {
    scheduler.afterResult(records.read(op.key.name), op.node.dbHopUs(), answered, op);
  };

  const acknowledged = (version: number, op: Operation) => {
    if (version !== op.version) {
      throw new Error(`system of record gave ${op.key.name} version ${version}, expected ${op.version}`);
    }
    op.next(op);
  };
  const writeAtDatabase = (op: Operation) => {
    // The store assigns versions in commit order, and every commit goes through here, so the oracle can
    // name the new version now; the store's answer is checked against it when it arrives.
    op.version = op.key.version + 1;
    oracle.commit(op.key, op.version, scheduler.nowUs);
    scheduler.afterResult(
      records.write(op.key.name, op.value as string),
      op.node.dbHopUs(),
      acknowledged,
      op,
    );
  };

  return {
    read(op, next) {
      op.next = next;
      scheduler.after(op.node.dbHopUs(), readAtDatabase, op);
    },
    write(op, next) {
      op.next = next;
      scheduler.after(op.node.dbHopUs(), writeAtDatabase, op);
    },
  };
}
