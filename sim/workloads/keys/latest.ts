// Reads favour recently written keys: YCSB's "latest" (SkewedLatestGenerator), where a Zipf-distributed
// rank r picks the key written r writes ago. Keys start out as if written in index order (the last key
// is the newest), and every update or insert the workload makes moves that key to the front.
//
// The history is a ring of the last `count` writes, so a rank reaches at most `count` writes back and a
// key written twice in that window appears twice (it is then that much more likely, as in YCSB, whose
// "latest" is over insertion order). One draw a request, O(1) whatever the key space.
import { ZipfSampler } from "../../core/distributions.ts";
import type { KeyDistribution } from "./keyDistribution.ts";
import { ZIPF_S_DEFAULT, zipfOptions } from "./zipf.ts";

export const latest: KeyDistribution<{ s: number }> = {
  name: "latest",
  summary: `the key written r writes ago, r Zipf-distributed (s, default ${ZIPF_S_DEFAULT}): recent writes and inserts are hot`,
  options: zipfOptions,
  create({ count, rng }, { s }) {
    const sampler = new ZipfSampler(count, s);
    // Key indexes stay below LIMITS.keyCount (10,000,000, inserts included): 4 bytes a slot suffice.
    const ring = new Int32Array(count);
    for (let i = 0; i < count; i++) ring[i] = i;
    let head = count - 1; // where the newest write sits
    return {
      next() {
        const back = sampler.sample(rng);
        const slot = head - back;
        return ring[slot < 0 ? slot + count : slot] as number;
      },
      written(index) {
        head = head + 1 === count ? 0 : head + 1;
        ring[head] = index;
      },
    };
  },
};
