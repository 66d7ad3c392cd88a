// xfetch: probabilistic early expiration (Vattani et al., "Optimal probabilistic cache stampede
// prevention"). A hit on an entry that expires at `expiry` is treated as a miss, and so recomputed by
// this one reader, when now − Δ·β·ln(u) ≥ expiry: Δ is the key's measured recompute time (its last
// database read, from the node's point of view), β tunes how early (1 is the paper's choice; more is
// earlier), u is uniform in (0, 1] from the node's own seeded stream. The closer the expiry and the
// slower the recompute, the likelier an early refresh, so one reader usually refreshes the key before
// it expires and the stampede never happens.
import type { Operation } from "../../model/operation.ts";
import type { Key } from "../../model/oracle.ts";
import { duration, numberIn, strict } from "../../plugin/options.ts";
import { type Mitigation, withDatabaseRead } from "./mitigation.ts";

export interface XfetchOptions {
  beta: number;
  deltaUs: number;
}

const options = strict({
  beta: numberIn(0, 100).default(1).describe("how early to refresh (β; 1 as in the paper, more is earlier)"),
  delta: duration()
    .default(5_000)
    .describe("recompute time Δ assumed for a key until one of its database reads has been measured"),
}).transform((o): XfetchOptions => ({ beta: o.beta, deltaUs: o.delta }));

export const xfetch: Mitigation<XfetchOptions> = {
  name: "xfetch",
  summary: "probabilistic early expiration: a hit refreshes early when now − Δ·β·ln(u) ≥ expiry",
  options,
  create({ world, access }, { beta, deltaUs }) {
    const { scheduler, database } = world;
    const measured = new Map<Key, number>();
    const streams = world.nodes.map((n) => world.rng.stream(`mitigation:xfetch:${n.name}`));
    const sentUs = new WeakMap<Operation, number>();
    const timed = (next: (op: Operation) => void) => (op: Operation) => {
      if (!op.failed) measured.set(op.key, scheduler.nowUs - (sentUs.get(op) as number));
      next(op);
    };
    return {
      world: withDatabaseRead(world, (op, next) => {
        sentUs.set(op, scheduler.nowUs);
        database.read(op, timed(next));
      }),
      access: {
        ...access,
        lookup(op, next) {
          access.lookup(op, (looked) => {
            if (looked.found === "hit" && looked.entryExpiresAtUs !== 0) {
              const delta = measured.get(looked.key) ?? deltaUs;
              const u = 1 - (streams[looked.node.index] as { next(): number }).next(); // (0, 1]
              if (looked.arrivedUs - delta * beta * Math.log(u) >= looked.entryExpiresAtUs)
                looked.found = "expired";
            }
            next(looked);
          });
        },
      },
    };
  },
};
