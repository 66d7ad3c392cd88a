// read: cache-aside — the application checks the key's shard; on a miss it reads the database, answers
// at once, and SETs the cache itself afterwards. The answer is a cache round trip sooner than
// read-through; the SET still happens, and is the late fill of the classic race.
import { strict } from "../../plugin/options.ts";
import type { ReadPart } from "../part.ts";
import { globalReadPath } from "./readThrough.ts";

export const cacheAside: ReadPart<Record<string, never>> = {
  name: "cache-aside",
  summary: "on a miss the application reads the database, answers, then SETs the global cache itself",
  options: strict({}),
  usesGlobalTier: true,
  create: ({ world, access }) => globalReadPath(world, access, { answerBeforeFill: true }),
};
