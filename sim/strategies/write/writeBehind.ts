// write: write-behind (write-back) — the write is SET in the key's shard and acknowledged; a flusher
// commits it to the database later: each write waits at least `delay` after it began (and until its SET
// has reached the cache), and one flush commits up to `batch` due writes in the order they began
// (several flushes at the same instant if more are due). The flusher sits at the database, so a write
// commits at its flush, or, when the database is a resource (`database:`), once the batch gets a
// connection, which it holds for one service time like any request. Truth follows the commit: a
// reader that goes to the database sees the old value until then. Each write keeps its own version,
// reserved at acknowledgement and committed in order, so nothing is coalesced. The report shows the
// price: flush lag (acknowledgement to commit) and writes still pending.
import type { Operation } from "../../model/operation.ts";
import type { Key } from "../../model/oracle.ts";
import { duration, intIn, strict } from "../../plugin/options.ts";
import type { WritePart } from "../part.ts";
import { failOp } from "../steps.ts";
import { acknowledge } from "./writeThrough.ts";

export interface WriteBehindOptions {
  delayUs: number;
  batch: number;
}

const options = strict({
  delay: duration().default(100_000).describe("how long a write waits in the cache before it may be flushed"),
  batch: intIn(1, 100_000).default(100).describe("most writes one flush commits"),
}).transform((o): WriteBehindOptions => ({ delayUs: o.delay, batch: o.batch }));

export const writeBehind: WritePart<WriteBehindOptions> = {
  name: "write-behind",
  summary: "SET the global cache and acknowledge; a background flusher commits to the database later",
  options,
  usesGlobalTier: true,
  create({ world, access, near }, { delayUs, batch }) {
    const { scheduler, database, tally } = world;
    // FIFO of writes in the order they began (their versions' order); `head` is the next to flush (the
    // array is compacted as it drains). A write's arrivedUs is -1 until its SET reaches the cache.
    let queue: Operation[] = [];
    let head = 0;
    let flushAtUs = -1;

    const scheduleFlush = () => {
      const first = queue[head];
      if (first === undefined || flushAtUs >= 0) return;
      if (first.arrivedUs < 0) return; // its acknowledgement schedules the flush
      flushAtUs = Math.max(scheduler.nowUs, first.startUs + delayUs);
      scheduler.at(flushAtUs, flush);
    };
    const committed = (version: number, op: Operation) => database.checkAck(op.key, version, op.version);
    /** Commits a batch taken from the queue, in order (at the flush, or when a connection is free). */
    const commitBatch = (due: Operation[]) => {
      const nowUs = scheduler.nowUs;
      for (const op of due) {
        const stored = database.commitReserved(op.key, op.value as string, op.version, op.node.index);
        tally.flushLag(op.node.index, nowUs - op.arrivedUs);
        tally.pending(op.node.index, -1);
        scheduler.afterResultNoHandle(stored, 0, committed, op);
      }
    };
    const flush = () => {
      flushAtUs = -1;
      const nowUs = scheduler.nowUs;
      const due: Operation[] = [];
      for (let n = 0; n < batch; n++) {
        const op = queue[head];
        if (op === undefined || op.arrivedUs < 0 || op.startUs + delayUs > nowUs) break;
        queue[head++] = undefined as unknown as Operation;
        due.push(op);
      }
      // Taken out of the queue now, the batch is at the database: a crash of its writers no longer
      // loses it, and it commits before any later batch (connections are granted in arrival order).
      if (due.length > 0) database.flushBatch((due[0] as Operation).node.index, () => commitBatch(due));
      if (head === queue.length) {
        queue = [];
        head = 0;
      } else if (head > 4096 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      scheduleFlush();
    };
    /**
     * Takes writes out of the queue before they commit (faults only): their reserved versions are given
     * back, and later writes of the same key move down one version each, so versions still commit in
     * order, one by one.
     */
    const unqueue = (gone: (op: Operation) => boolean): Operation[] => {
      const removed: Operation[] = [];
      const kept: Operation[] = [];
      // Per key, how many of its earlier (lower) versions were taken out so far.
      const shift = new Map<Key, number>();
      for (let i = head; i < queue.length; i++) {
        const op = queue[i] as Operation;
        const down = shift.get(op.key) ?? 0;
        if (gone(op)) {
          removed.push(op);
          database.unreserve(op.key);
          shift.set(op.key, down + 1);
          tally.pending(op.node.index, -1);
        } else {
          op.version -= down;
          kept.push(op);
        }
      }
      queue = kept;
      head = 0;
      scheduleFlush();
      return removed;
    };
    // A crashed node's unflushed writes were acknowledged and are lost (counted).
    world.faults?.onCrash((node) => {
      const lost = unqueue((op) => op.node === node);
      if (lost.length > 0) world.faults?.count(node.index, "writesLost", lost.length);
    });
    const stored = (op: Operation) => {
      if (op.failed) {
        // The cache did not take the write: it is not acknowledged, and never flushed.
        unqueue((queued) => queued === op);
        failOp(world, op, "write");
        return;
      }
      acknowledge(world, near, op);
      scheduleFlush();
    };
    return {
      write(op) {
        op.version = database.reserve(op.key);
        op.arrivedUs = -1;
        queue.push(op);
        tally.pending(op.node.index, 1);
        access.store(op, stored);
      },
    };
  },
};
