// The value-size distributions a workload's `valueSize` may name. Small enough to share a file: each is
// a few lines of arithmetic over one stream.
import { standardNormal, uniformInt } from "../../core/distributions.ts";
import { intIn, numberIn, strict } from "../../plugin/options.ts";
import { Registry } from "../../plugin/registry.ts";
import { VALUE_BYTES_MAX, type ValueSize } from "./valueSize.ts";

const bytes = (what: string) => intIn(0, VALUE_BYTES_MAX).describe(what);

const fixed: ValueSize<{ bytes: number }> = {
  name: "fixed",
  summary: "every value `bytes` long",
  options: strict({ bytes: bytes("bytes in every value") }),
  create(_ctx, options) {
    return { next: () => options.bytes };
  },
};

const uniform: ValueSize<{ min: number; max: number }> = {
  name: "uniform",
  summary: "a whole number of bytes uniform in [min, max]",
  options: strict({ min: bytes("smallest value"), max: bytes("largest value") }).refine(
    (o) => o.min <= o.max,
    {
      error: "expected min no larger than max",
    },
  ),
  create({ rng }, { min, max }) {
    return { next: () => uniformInt(rng, min, max) };
  },
};

const lognormal: ValueSize<{ median: number; sigma: number; max: number }> = {
  name: "lognormal",
  summary: "log-normal bytes (median, sigma), rounded and capped at max: the long tail of real object sizes",
  options: strict({
    median: intIn(1, VALUE_BYTES_MAX).describe("median value size in bytes"),
    sigma: numberIn(0, 10).default(1).describe("spread of the size's logarithm"),
    max: bytes("cap on any one value").default(VALUE_BYTES_MAX),
  }),
  create({ rng }, { median, sigma, max }) {
    return { next: () => Math.min(max, Math.round(median * Math.exp(sigma * standardNormal(rng)))) };
  },
};

export const valueSizes = new Registry<ValueSize>(
  "value size",
  [fixed, uniform, lognormal] as ValueSize[],
  "dist",
);
