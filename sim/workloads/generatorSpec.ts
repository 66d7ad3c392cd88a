// The `generator:` workload's options: what a file may write, their limits and defaults. Nested choices
// (key distribution, arrival process, value size) are plugins from their own registries, so a new one
// is one file and a registry line, with no edit here.
import { z } from "zod";
import { choice, intIn, numberIn, strict } from "../plugin/options.ts";
import { DEFAULTS } from "../spec/defaults.ts";
import { formatCount } from "../spec/errors.ts";
import { LIMITS } from "../spec/limits.ts";
import { arrivalProcesses } from "./arrivals/registry.ts";
import { keyDistributions } from "./keys/registry.ts";
import { type PluginValue, pluginField, pluginOptions } from "./pluginField.ts";
import { valueSizes } from "./sizes/sizes.ts";

export const BALANCE_MODES = ["random", "round-robin"] as const;

/** Longest scan (YCSB E) a workload may ask for: each key of a scan is one read. */
export const SCAN_LENGTH_MAX = 100_000;

/** What a request does. Proportions of all requests; they sum to 1. */
export interface OpMix {
  read: number;
  /** A write of an existing key. */
  update: number;
  /** A write of a new key (the key space grows by one). */
  insert: number;
  /** Reads of `scanLength` consecutive keys, issued together (YCSB E). */
  scan: number;
  /** A read, then a write of the same key once the read has finished (YCSB F). */
  readModifyWrite: number;
}

export interface GeneratorSpec {
  /** Requests per virtual second over all the nodes it drives, for open-loop arrivals; else 0. */
  ratePerSec: number;
  /** Stop after this many requests; 0 means no limit other than the run's duration. */
  requests: number;
  /** `{ count, prefix, dist, ...the distribution's options }`. */
  keys: { count: number; prefix: string; dist: string } & PluginValue;
  mix: OpMix;
  /** How requests are spread over the nodes: at random or in turn. */
  balance: (typeof BALANCE_MODES)[number];
  /** `{ process, ...its options }`. */
  arrival: { process: string } & PluginValue;
  /** `{ dist, ...its options }`, or null for the bare `node#n` tags as values. */
  valueSize: ({ dist: string } & PluginValue) | null;
  /** Keys a scan reads: uniform in [min, max]. */
  scanLength: { min: number; max: number };
}

const prefixError = `expected a string of at most ${formatCount(LIMITS.textChars)} characters`;
export const keyPrefix = z.string({ error: prefixError }).max(LIMITS.textChars, { error: prefixError });

export const keysField = pluginField(keyDistributions, {
  shared: {
    count: intIn(1, LIMITS.keyCount).describe("keys in the space at the start"),
    prefix: keyPrefix.default(DEFAULTS.generator.keyPrefix).describe("key names are prefix + index"),
  },
  defaultName: DEFAULTS.generator.keyDist,
});

export const arrivalField = pluginField(arrivalProcesses, { defaultName: "poisson" });
export const valueSizeField = pluginField(valueSizes);

const mixError = "expected proportions of read, update, insert, scan, readModifyWrite that sum to 1";
const mixField = strict({
  read: numberIn(0, 1).optional(),
  update: numberIn(0, 1).optional(),
  insert: numberIn(0, 1).optional(),
  scan: numberIn(0, 1).optional(),
  readModifyWrite: numberIn(0, 1).optional(),
}).transform((m, ctx): OpMix => {
  const mix: OpMix = {
    read: m.read ?? 0,
    update: m.update ?? 0,
    insert: m.insert ?? 0,
    scan: m.scan ?? 0,
    readModifyWrite: m.readModifyWrite ?? 0,
  };
  const sum = mix.read + mix.update + mix.insert + mix.scan + mix.readModifyWrite;
  if (Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: "custom", message: mixError, input: m });
  return mix;
});

export const scanLengthField = strict({
  min: intIn(1, SCAN_LENGTH_MAX).default(1).describe("fewest keys a scan reads"),
  max: intIn(1, SCAN_LENGTH_MAX).default(100).describe("most keys a scan reads (YCSB's maxscanlength)"),
}).refine((s) => s.min <= s.max, { error: "expected min no larger than max", path: ["max"] });

/** Checks that `rate:` is there exactly when the arrival process uses one. */
export function checkRate(rate: number | undefined, arrival: PluginValue, ctx: z.core.$RefinementCtx): void {
  const process = arrivalProcesses.get(arrival.process as string);
  if (process.usesRate && rate === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a rate (requests per virtual second) for ${process.name} arrivals`,
      input: undefined,
      path: ["rate"],
    });
  } else if (!process.usesRate && rate !== undefined) {
    const reason =
      process.name === "closed" ? "clients and their latency set the pace" : "its steps set the rate";
    ctx.addIssue({
      code: "custom",
      message: `no \`rate:\` with ${process.name} arrivals (${reason})`,
      input: rate,
      path: ["rate"],
    });
  }
}

export const generatorOptions = strict({
  rate: numberIn(0, LIMITS.ratePerSec, { minExclusive: true }).optional(),
  requests: intIn(0, LIMITS.requests).optional(),
  keys: keysField,
  readFraction: numberIn(0, 1).optional(),
  mix: mixField.optional(),
  balance: choice(BALANCE_MODES).optional(),
  arrival: arrivalField.optional(),
  valueSize: valueSizeField.optional(),
  scanLength: scanLengthField.optional(),
}).transform((g, ctx): GeneratorSpec => {
  if (g.readFraction !== undefined && g.mix !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: "either `readFraction:` or `mix:`, not both",
      input: g.mix,
      path: ["mix"],
    });
  }
  const arrival = (g.arrival ?? { process: "poisson" }) as GeneratorSpec["arrival"];
  checkRate(g.rate, arrival, ctx);
  const readFraction = g.readFraction ?? DEFAULTS.generator.readFraction;
  return {
    ratePerSec: g.rate ?? 0,
    requests: g.requests ?? DEFAULTS.generator.requests,
    keys: g.keys as GeneratorSpec["keys"],
    mix: g.mix ?? { read: readFraction, update: 1 - readFraction, insert: 0, scan: 0, readModifyWrite: 0 },
    balance: g.balance ?? DEFAULTS.generator.balance,
    arrival,
    valueSize: (g.valueSize as GeneratorSpec["valueSize"] | undefined) ?? null,
    scanLength: g.scanLength ?? { min: 1, max: 100 },
  };
});

/** A generator's requests over a run: its count, or its arrival process's mean over the run, the lesser. */
export function generatorRequestsExpected(spec: GeneratorSpec, durationUs: number): number | undefined {
  const arrival = pluginOptions(spec.arrival, "process");
  const byRate = arrivalProcesses
    .get(arrival.name)
    .requestsIn?.(spec.ratePerSec, durationUs, arrival.options);
  if (spec.requests > 0) return byRate === undefined ? spec.requests : Math.min(spec.requests, byRate);
  return byRate;
}
