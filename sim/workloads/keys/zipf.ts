// Zipf popularity: key k (from 0) is requested with probability ∝ 1/(k+1)^s, so key 0 is the hottest.
// YCSB's default request distribution ("zipfian", constant 0.99); YCSB also scrambles ranks over the
// key space, which changes nothing for caches (popularity is what matters, not which name is hot).
import { ZipfSampler } from "../../core/distributions.ts";
import { numberIn, strict } from "../../plugin/options.ts";
import { LIMITS } from "../../spec/limits.ts";
import { ignoresWrites, type KeyDistribution } from "./keyDistribution.ts";

/** Zipf exponent near 1 is the classic web-cache popularity fit (Breslau et al.) and YCSB's constant. */
export const ZIPF_S_DEFAULT = 0.99;

/** Keys drawn at once; the few past a run's last request are drawn for nothing. */
const DRAWS_AHEAD = 64;

export const zipfOptions = strict({
  s: numberIn(0, LIMITS.zipfS, { minExclusive: true })
    .default(ZIPF_S_DEFAULT)
    .describe("Zipf exponent: larger is more skewed"),
});

export const zipf: KeyDistribution<{ s: number }> = {
  name: "zipf",
  summary: "key k (from 0) requested with probability ∝ 1/(k+1)^s; key 0 is the hottest",
  options: zipfOptions,
  create({ count, rng }, { s }) {
    const sampler = new ZipfSampler(count, s);
    // Drawn DRAWS_AHEAD at a time (sampleInto: the table's cache misses overlap), in the same order
    // from the same stream, which nothing else draws from: the same keys as one at a time.
    const ahead = new Int32Array(DRAWS_AHEAD);
    let next = DRAWS_AHEAD;
    return ignoresWrites(() => {
      if (next === DRAWS_AHEAD) {
        sampler.sampleInto(rng, ahead);
        next = 0;
      }
      return ahead[next++] as number;
    });
  },
};
