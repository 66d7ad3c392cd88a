// ttl-jitter: every global-cache entry's TTL gets a random fraction of itself added, up to `fraction`
// (drawn from its own seeded stream), so keys filled together do not all expire together.
import { numberIn, strict } from "../../plugin/options.ts";
import type { Mitigation } from "./mitigation.ts";

export interface TtlJitterOptions {
  fraction: number;
}

const options = strict({
  fraction: numberIn(0, 10)
    .default(0.2)
    .describe("most of its own TTL added to an entry's TTL (0.2: up to 20% longer)"),
});

export const ttlJitter: Mitigation<TtlJitterOptions> = {
  name: "ttl-jitter",
  summary:
    "adds a random fraction (up to `fraction`) to each global-cache TTL, so keys do not expire together",
  options,
  create(side, { fraction }) {
    const rng = side.world.rng.stream("mitigation:ttl-jitter");
    side.world.globalCache.setTtlJitter((ttlUs) => Math.floor(rng.next() * fraction * ttlUs));
    return side;
  },
};
