// Keys in order, 0, 1, 2, ... wrapping round: a scan over the key space, the pattern that flushes an LRU
// cache smaller than the space (every request misses) and that scan-resistant policies are built for.
import { intIn, strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import { ignoresWrites, type KeyDistribution } from "./keyDistribution.ts";

export const sequential: KeyDistribution<{ start: number }> = {
  name: "sequential",
  summary: "keys in index order from `start`, wrapping round (a looping scan); draws nothing",
  options: strict({
    start: intIn(0, LIMITS.keyCount - 1)
      .default(0)
      .describe("index of the first key requested"),
  }),
  create({ count }, { start }) {
    let next = start % count;
    return ignoresWrites(() => {
      const index = next;
      next = next + 1 === count ? 0 : next + 1;
      return index;
    });
  },
};
