// A hot set: the first `hotKeys` fraction of the key space gets `hotRequests` of the requests, uniformly
// within it; the rest of the requests go uniformly to the other keys. YCSB's "hotspot" distribution, with
// its defaults (hotspotdatafraction 0.2, hotspotopnfraction 0.8). Two draws a request: which set, which key.
import { uniformInt } from "../../core/distributions.ts";
import { numberIn, strict } from "../../plugin/options.ts";
import { ignoresWrites, type KeyDistribution } from "./keyDistribution.ts";

export const hotspot: KeyDistribution<{ hotKeys: number; hotRequests: number }> = {
  name: "hotspot",
  summary:
    "a fraction of the keys (hotKeys) gets a fraction of the requests (hotRequests), uniform within each set",
  options: strict({
    hotKeys: numberIn(0, 1).default(0.2).describe("fraction of the key space that is hot (the first keys)"),
    hotRequests: numberIn(0, 1).default(0.8).describe("fraction of the requests that go to the hot keys"),
  }),
  create({ count, rng }, { hotKeys, hotRequests }) {
    // At least one key in each set that can be asked for, so every draw has a key to land on.
    const hotCount = Math.min(count, Math.max(1, Math.round(count * hotKeys)));
    const coldCount = count - hotCount;
    return ignoresWrites(() => {
      const hot = rng.next() < hotRequests || coldCount === 0;
      return hot ? uniformInt(rng, 0, hotCount - 1) : hotCount + uniformInt(rng, 0, coldCount - 1);
    });
  },
};
