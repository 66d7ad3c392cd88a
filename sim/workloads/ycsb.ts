// YCSB's core workloads A–F as named presets (CoreWorkload's property files, workloads/workload[a-f]):
//
//   A  update heavy   read 0.50, update 0.50                  zipfian
//   B  read mostly    read 0.95, update 0.05                  zipfian
//   C  read only      read 1.00                               zipfian
//   D  read latest    read 0.95, insert 0.05                  latest
//   E  short scans    scan 0.95, insert 0.05                  zipfian, scan length uniform 1..100
//   F  read-modify-write  read 0.50, readmodifywrite 0.50     zipfian
//
// with YCSB's defaults: zipfian constant 0.99, recordcount 1000, operationcount 1000, one client thread
// (a closed loop with no think time) and no target rate. Differences, all stated in the README: keys are
// `prefix + index` in order (YCSB hashes the insert order, which changes no hit rate); a scan is that
// many point reads of consecutive keys issued together, done when the last one is (caches here are
// key-value, with no range read); `latest` is over the last `records` writes (see keys/latest.ts).
// Values are the usual tags unless `valueSize` is given (YCSB's records are 10 fields of 100 bytes:
// `valueSize: { dist: fixed, bytes: 1000 }`).
import type { z } from "zod";
import { choice, intIn, numberIn, strict } from "../plugin/options.ts";
import { DEFAULTS } from "../spec/defaults.ts";
import { LIMITS } from "../spec/limits.ts";
import {
  arrivalField,
  BALANCE_MODES,
  checkRate,
  type GeneratorSpec,
  generatorRequestsExpected,
  keyPrefix,
  type OpMix,
  SCAN_LENGTH_MAX,
  valueSizeField,
} from "./generatorSpec.ts";
import { GeneratorWorkload } from "./generatorWorkload.ts";
import { ZIPF_S_DEFAULT } from "./keys/zipf.ts";
import type { WorkloadKind } from "./workload.ts";

export const YCSB_WORKLOADS = ["a", "b", "c", "d", "e", "f"] as const;
type YcsbName = (typeof YCSB_WORKLOADS)[number];

const mix = (m: Partial<OpMix>): OpMix => ({
  read: 0,
  update: 0,
  insert: 0,
  scan: 0,
  readModifyWrite: 0,
  ...m,
});

export const YCSB_PRESETS: Record<YcsbName, { summary: string; mix: OpMix; dist: "zipf" | "latest" }> = {
  a: { summary: "update heavy", mix: mix({ read: 0.5, update: 0.5 }), dist: "zipf" },
  b: { summary: "read mostly", mix: mix({ read: 0.95, update: 0.05 }), dist: "zipf" },
  c: { summary: "read only", mix: mix({ read: 1 }), dist: "zipf" },
  d: { summary: "read latest", mix: mix({ read: 0.95, insert: 0.05 }), dist: "latest" },
  e: { summary: "short scans", mix: mix({ scan: 0.95, insert: 0.05 }), dist: "zipf" },
  f: { summary: "read-modify-write", mix: mix({ read: 0.5, readModifyWrite: 0.5 }), dist: "zipf" },
};

const options = strict({
  workload: choice(YCSB_WORKLOADS).describe("which core workload: a, b, c, d, e or f"),
  records: intIn(1, LIMITS.keyCount).default(1000).describe("records loaded before the run (recordcount)"),
  requests: intIn(0, LIMITS.requests).default(1000).describe("operations (operationcount); 0: until the end"),
  prefix: keyPrefix.default(DEFAULTS.generator.keyPrefix).describe("record keys are prefix + index"),
  s: numberIn(0, LIMITS.zipfS, { minExclusive: true })
    .default(ZIPF_S_DEFAULT)
    .describe("zipfian constant of the request distribution"),
  maxScanLength: intIn(1, SCAN_LENGTH_MAX).default(100).describe("longest scan (workload e)"),
  rate: numberIn(0, LIMITS.ratePerSec, { minExclusive: true }).optional().describe("target rate, open loop"),
  arrival: arrivalField.optional(),
  balance: choice(BALANCE_MODES).default("round-robin").describe("how requests are spread over the nodes"),
  valueSize: valueSizeField.optional(),
}).transform((o, ctx): GeneratorSpec => {
  // YCSB's client is a closed loop of `threadcount` threads (default 1); a target rate makes it open.
  const arrival = (o.arrival ??
    (o.rate === undefined
      ? { process: "closed", clients: 1, think: 0, thinkDist: "constant" }
      : { process: "poisson" })) as GeneratorSpec["arrival"];
  checkRate(o.rate, arrival, ctx);
  const preset = YCSB_PRESETS[o.workload];
  return {
    ratePerSec: o.rate ?? 0,
    requests: o.requests,
    keys: { count: o.records, prefix: o.prefix, dist: preset.dist, s: o.s },
    mix: preset.mix,
    balance: o.balance,
    arrival,
    valueSize: (o.valueSize as GeneratorSpec["valueSize"] | undefined) ?? null,
    scanLength: { min: 1, max: o.maxScanLength },
  };
});

export const ycsbKind: WorkloadKind<GeneratorSpec> = {
  name: "ycsb",
  summary:
    "YCSB core workload a–f (read/update/insert/scan/read-modify-write mixes over zipfian or latest keys)",
  options: options as unknown as z.ZodType<GeneratorSpec>,
  create({ nodes }, spec) {
    return new GeneratorWorkload(nodes, spec);
  },
  requestsMax: (spec) => (spec.requests > 0 ? spec.requests : undefined),
  requestsExpected: generatorRequestsExpected,
};
