// read: refresh-ahead — read-through, and a hit on an entry within `window` of its expiry starts a
// background refresh (one per key at a time), so a hot key is refilled before it expires and stops
// missing after warm-up.
import { duration, strict } from "../../plugin/options.ts";
import type { ReadPart } from "../part.ts";
import { backgroundRefresh } from "./backgroundRefresh.ts";
import { globalReadPath } from "./readThrough.ts";

export interface RefreshAheadOptions {
  windowUs: number;
}

const options = strict({
  window: duration({ positive: true })
    .default(5_000_000)
    .describe("how long before an entry's expiry a hit on it starts a background refresh"),
}).transform((o): RefreshAheadOptions => ({ windowUs: o.window }));

export const refreshAhead: ReadPart<RefreshAheadOptions> = {
  name: "refresh-ahead",
  summary: "read-through; a hit within `window` of the entry's expiry refreshes it in the background",
  options,
  usesGlobalTier: true,
  create({ world, access }, { windowUs }) {
    const refresh = backgroundRefresh(world, access);
    return globalReadPath(world, access, {
      afterHit(op) {
        if (op.entryExpiresAtUs !== 0 && op.entryExpiresAtUs - op.arrivedUs <= windowUs) refresh(op);
      },
    });
  },
};
