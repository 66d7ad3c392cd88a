// fill: none — any reader that missed may fill the global cache, and a writer's DEL is a plain DEL. The
// classic cache-aside race lives here: a reader that read the old row before a write commits can SET it
// after the writer's DEL, and it stays until the entry's TTL.
import { strict } from "../../plugin/options.ts";
import type { FillPart } from "../part.ts";

export const noFill: FillPart<Record<string, never>> = {
  name: "none",
  summary: "any reader that missed may fill the global cache",
  options: strict({}),
  usesGlobalTier: false,
  create({ world }) {
    const cache = world.globalCache;
    return {
      lookup: (op, next) => cache.get(op, next),
      fill: (op, next) => cache.set(op, next),
      store: (op, next) => cache.set(op, next),
      invalidate: (op, next) => cache.del(op, next),
    };
  },
};
