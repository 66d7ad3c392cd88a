// fill: lease — memcache's leases. A lookup that misses takes the key's lease in the same round trip;
// only the holder may fill, and only while the lease is still there: a writer's DEL (or SET) in between
// removes it, so a slow reader can no longer put an old value back. A reader that finds another's live
// lease waits `retry` and looks again, up to `retries` times, then reads the database without filling.

import type { Operation } from "../../model/operation.ts";
import { TALLY } from "../../model/tally.ts";
import { duration, intIn, strict } from "../../plugin/options.ts";
import type { FillPart } from "../part.ts";

export interface LeaseOptions {
  ttlUs: number;
  retryUs: number;
  retries: number;
}

const options = strict({
  ttl: duration({ positive: true })
    .default(10_000_000)
    .describe("how long a lease lasts if its holder never fills"),
  retry: duration({ positive: true })
    .default(1_000)
    .describe("how long a reader that found another's lease waits before looking again"),
  retries: intIn(0, 1_000)
    .default(20)
    .describe("looks after the first before a reader gives up and reads the database without filling"),
}).transform((o): LeaseOptions => ({ ttlUs: o.ttl, retryUs: o.retry, retries: o.retries }));

export const leaseFill: FillPart<LeaseOptions> = {
  name: "lease",
  summary: "a miss takes a lease; only its holder may fill, a DEL voids it, other readers wait and retry",
  options,
  usesGlobalTier: true,
  create({ world }, { ttlUs, retryUs, retries }) {
    const { globalCache: cache, scheduler, tally } = world;
    let nextToken = 1;

    const answered = (op: Operation) => {
      if (op.found === "held") {
        tally.bump(op.node.index, TALLY.leaseWaits);
        if (op.leaseAttempts++ < retries) {
          scheduler.after(retryUs, ask, op);
          return;
        }
        // Gave up waiting: read the database, and leave the cache to the lease holder.
        op.found = "miss";
      } else if (op.leaseToken !== 0) {
        tally.bump(op.node.index, TALLY.leaseGrants);
      }
      op.resume(op);
    };
    const ask = (op: Operation) => cache.takeLease(op, nextToken++, ttlUs, answered);
    const filled = (op: Operation) => {
      if (!op.stored && !op.failed) tally.bump(op.node.index, TALLY.leaseVoidedFills);
      op.resume(op);
    };

    return {
      lookup(op, next) {
        op.resume = next;
        op.leaseAttempts = 0;
        ask(op);
      },
      fill(op, next) {
        if (op.leaseToken === 0) {
          op.stored = false;
          next(op);
          return;
        }
        op.resume = next;
        cache.fillLease(op, filled);
      },
      store: (op, next) => cache.set(op, next),
      invalidate: (op, next) => cache.del(op, next),
    };
  },
};
