// Every key equally likely: the neutral choice, and the worst case for a cache smaller than the key space.
import { uniformInt } from "../../core/distributions.ts";
import { strict } from "../../plugin/options.ts";
import { ignoresWrites, type KeyDistribution } from "./keyDistribution.ts";

export const uniform: KeyDistribution = {
  name: "uniform",
  summary: "every key equally likely",
  options: strict({}),
  create({ count, rng }) {
    return ignoresWrites(() => uniformInt(rng, 0, count - 1));
  },
};
