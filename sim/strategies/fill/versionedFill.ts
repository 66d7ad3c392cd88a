// fill: versioned — every store into the global cache is a compare-and-set on the version: it replaces
// only an absent, expired or older entry. An invalidation leaves a short-lived tombstone carrying the
// committed version instead of a bare DEL, so a late fill of an older version finds the tombstone and is
// refused. Without tombstones the DEL leaves nothing to compare with, and the late fill wins again:
// versioned fill alone is not enough, which `tombstones: false` shows.

import type { Operation } from "../../model/operation.ts";
import { TALLY } from "../../model/tally.ts";
import { boolean, duration, strict } from "../../plugin/options.ts";
import type { FillPart } from "../part.ts";

export interface VersionedOptions {
  tombstones: boolean;
  tombstoneTtlUs: number;
}

const options = strict({
  tombstones: boolean.default(true).describe("leave a tombstone on invalidation (false: a plain DEL)"),
  tombstoneTtl: duration({ positive: true }).default(10_000_000).describe("how long a tombstone lasts"),
}).transform((o): VersionedOptions => ({ tombstones: o.tombstones, tombstoneTtlUs: o.tombstoneTtl }));

export const versionedFill: FillPart<VersionedOptions> = {
  name: "versioned",
  summary:
    "a fill only replaces an older version (compare-and-set); an invalidation leaves a tombstone with the new version",
  options,
  usesGlobalTier: true,
  create({ world }, { tombstones, tombstoneTtlUs }) {
    const { globalCache: cache, tally } = world;
    const stored = (op: Operation) => {
      if (!op.stored && !op.failed) tally.bump(op.node.index, TALLY.fillsRefused);
      op.resume(op);
    };
    const conditional = (op: Operation, next: (op: Operation) => void, tombstoneUs: number | null) => {
      op.resume = next;
      cache.setIfNewer(op, tombstoneUs, stored);
    };
    return {
      lookup: (op, next) => cache.get(op, next),
      fill: (op, next) => conditional(op, next, null),
      store: (op, next) => conditional(op, next, null),
      invalidate: (op, next) => (tombstones ? conditional(op, next, tombstoneTtlUs) : cache.del(op, next)),
    };
  },
};
