// near: ttl — nodes' own caches expire by TTL only; nobody tells them of writes, so a node serves what
// it holds until the entry expires or the node flushes (the first story).
import { strict } from "../../plugin/options.ts";
import type { NearPart } from "../part.ts";

export const ttlNear: NearPart<Record<string, never>> = {
  name: "ttl",
  summary: "nodes' own caches expire by TTL only; nobody tells them of writes",
  options: strict({}),
  usesGlobalTier: false,
  create() {
    return { written() {} };
  },
};
